using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.JudgingRecommendations;

/// <summary>The performance of recommendations received in a period, by model version and overall (the row with no source system).</summary>
public sealed record PerformanceReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<PerformanceRow> Rows);

/// <summary>Whether a planning or AI system's recommendations were taken, changed, right, well calibrated, and done quickly.</summary>
public static class RecommendationPerformanceApi
{
    public static IEndpointRouteBuilder MapRecommendationPerformanceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/recommendations/performance", GetPerformanceAsync).WithTags("Recommendations")
            .Describe("GetRecommendationPerformance", "Acceptance, overrides, realised effect, calibration (Brier score) and time to execution, by model version");
        return app;
    }

    /// <param name="source">Only this source system's recommendations.</param>
    /// <param name="model">Only this model's.</param>
    /// <param name="from">The period's start (by when recommendations were received); 30 days before its end when left out.</param>
    /// <param name="to">The period's end (exclusive); now when left out.</param>
    public static async Task<Results<Ok<PerformanceReport>, ValidationProblem>> GetPerformanceAsync(
        string? site, string? source, string? model, DateTimeOffset? from, DateTimeOffset? to, Caller caller, RecommendationPerformance performance, TimeProvider clock,
        CancellationToken ct)
    {
        if (ReportPeriod.TryRead(from, to, clock, out var period) is { } refused) return refused;
        var rows = await performance.QueryAsync(new PerformanceFilter(site, source, model, period.From, period.To, caller.SiteFilter), ct);
        return TypedResults.Ok(new PerformanceReport(period.From, period.To, rows));
    }
}
