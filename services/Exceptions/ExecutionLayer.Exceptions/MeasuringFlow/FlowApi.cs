using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>The flow indicators of a period, grouped as asked, with the period they cover.</summary>
public sealed record FlowReport(FlowGrouping GroupBy, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FlowRow> Rows);

/// <summary>Where execution breaks, measured from the intake: waiting, lateness against the schedule, cascades and responses, firefighting.</summary>
public static class FlowApi
{
    public static IEndpointRouteBuilder MapFlowApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics/flow", GetFlowIndicatorsAsync).WithTags("Metrics")
            .Describe("GetFlowIndicators", "Flow indicators for a period [from, to), by site or work center")
            .QueryValues<FlowGrouping>("groupBy");
        return app;
    }

    /// <param name="from">The period's start; 30 days before its end when left out.</param>
    /// <param name="to">The period's end (exclusive); now when left out.</param>
    public static async Task<Results<Ok<FlowReport>, ValidationProblem>> GetFlowIndicatorsAsync(
        string? groupBy, string? site, DateTimeOffset? from, DateTimeOffset? to, Caller caller, FlowIndicators indicators, TimeProvider clock, CancellationToken ct)
    {
        var grouping = FlowGrouping.Site;
        if (groupBy is not null && !QueryEnum.TryParse(groupBy, out grouping))
            return Problem.Invalid("groupBy", $"One of {string.Join(", ", Enum.GetNames<FlowGrouping>())}.");
        if (ReportPeriod.TryRead(from, to, clock, out var period) is { } refused) return refused;
        var rows = await indicators.QueryAsync(grouping, new FlowFilter(site, period.From, period.To, caller.SiteFilter), ct);
        return TypedResults.Ok(new FlowReport(grouping, period.From, period.To, rows));
    }
}
