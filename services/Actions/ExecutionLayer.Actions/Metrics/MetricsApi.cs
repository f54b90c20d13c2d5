using ExecutionLayer.Actions.Items;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.Metrics;

/// <summary>The execution metrics of a period, grouped as asked, with the period they cover.</summary>
public sealed record ExecutionMetricsReport(MetricsGrouping GroupBy, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricsRow> Rows);

/// <summary>Execution measured as a KPI in itself: on-time closure, time to close, overdue, repeats, closure without KPI movement, alignment.</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics/execution", GetExecutionMetricsAsync).WithTags("Metrics")
            .Describe("GetExecutionMetrics", "Execution metrics for a period [from, to), by site, department, owner, KPI or perspective")
            .QueryValues<MetricsGrouping>("groupBy").QueryValues<Perspective>("perspective");
        return app;
    }

    /// <param name="from">The period's start; 30 days before its end when left out.</param>
    /// <param name="to">The period's end (exclusive); now when left out.</param>
    public static async Task<Results<Ok<ExecutionMetricsReport>, ValidationProblem>> GetExecutionMetricsAsync(
        string? groupBy, string? site, string? department, string? owner, string? kpi, string? perspective, DateTimeOffset? from, DateTimeOffset? to,
        Caller caller, ExecutionMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var grouping = MetricsGrouping.Site;
        if (groupBy is not null && !QueryEnum.TryParse(groupBy, out grouping))
            return Problem.Invalid("groupBy", $"One of {string.Join(", ", Enum.GetNames<MetricsGrouping>())}.");
        // The index keeps a perspective by its name; a filter in the API's spelling (internalProcess) must find it too.
        Perspective? filteredPerspective = null;
        if (perspective is not null)
        {
            if (!QueryEnum.TryParse<Perspective>(perspective, out var parsed)) return Problem.Invalid("perspective", $"One of {string.Join(", ", Enum.GetNames<Perspective>())}.");
            filteredPerspective = parsed;
        }
        if (ReportPeriod.TryRead(from, to, clock, out var period) is { } refused) return refused;
        var rows = await metrics.QueryAsync(grouping,
            new MetricsFilter(site, department, owner, kpi?.ToLowerInvariant(), filteredPerspective?.ToString(), period.From, period.To, caller.SiteFilter), ct);
        return TypedResults.Ok(new ExecutionMetricsReport(grouping, period.From, period.To, rows));
    }
}
