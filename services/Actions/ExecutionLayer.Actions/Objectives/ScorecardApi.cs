using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.Objectives;

/// <summary>What the scorecard route needs: who asks, the clock's store and the query.</summary>
public sealed record ScorecardServices(Caller Caller, ServiceStore Store, ScorecardQuery Query);

public static class ScorecardApi
{
    public static IEndpointRouteBuilder MapScorecardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/scorecard", GetAsync).WithTags("Objectives")
            .Describe("GetScorecard", "Objectives by perspective: KPI status and attainment, scores rolled up the cascade, the health of the actions serving them")
            .Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="site">One site's card (with the company's objectives above it); every site the caller sees when left out.</param>
    /// <param name="period">A year (2026), a quarter (2026-Q4) or a month (2026-12); the current quarter when left out.</param>
    public static async Task<Results<Ok<Scorecard>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string? site, string? period, [AsParameters] ScorecardServices services, CancellationToken ct)
    {
        var now = services.Store.Clock.GetUtcNow();
        var within = period is null ? ObjectivePeriod.Parse($"{now.Year}-Q{(now.Month - 1) / 3 + 1}")! : ObjectivePeriod.Parse(period);
        if (within is null) return Problem.Invalid("period", "A year (2026), a quarter (2026-Q4) or a month (2026-12).");
        if (site is not null && !services.Caller.Sees(site)) return Problem.NotFound($"No scorecard for {site}.");
        return TypedResults.Ok(await services.Query.ForAsync(site, site is null ? services.Caller.SiteFilter : [site], within, ct));
    }
}
