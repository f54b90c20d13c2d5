using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Query;

namespace ExecutionLayer.Actions.Metrics;

public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        // Period [from, to), the last 30 days by default.
        app.MapGet("/metrics/execution", async (string? groupBy, string? site, string? department, string? owner, string? kpi, string? perspective,
            DateTimeOffset? from, DateTimeOffset? to, Caller caller, ExecutionMetrics metrics, TimeProvider clock, CancellationToken ct) =>
        {
            MetricsGrouping grouping = MetricsGrouping.Site;
            if (groupBy is not null && !QueryEnum.TryParse(groupBy, out grouping))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["groupBy"] = [$"One of {string.Join(", ", Enum.GetNames<MetricsGrouping>())}."] });
            var end = to ?? clock.GetUtcNow();
            var start = from ?? end.AddDays(-30);
            if (start >= end) return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["The period's start comes before its end."] });
            if (end - start > TimeSpan.FromDays(3660)) return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["At most ten years at a time."] });
            var rows = await metrics.QueryAsync(grouping,
                new MetricsFilter(site, department, owner, kpi?.ToLowerInvariant(), perspective, start, end, caller.SiteFilter), ct);
            return Results.Ok(new { groupBy = grouping, from = start, to = end, rows });
        });
        return app;
    }
}
