using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.Risk;

/// <summary>Where attention goes first: an open action's deadline risk, and the open actions ranked by it.</summary>
public static class RiskApi
{
    public static IEndpointRouteBuilder MapRiskApi(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/actions").WithTags("Actions");
        actions.MapGet("/{actionId:guid}/risk", GetRiskAsync).Describe("GetActionRisk", "An open action's deadline risk and what it rests on")
            .Problems(StatusCodes.Status404NotFound);
        actions.MapGet("/prioritised", PrioritisedAsync).Describe("ListPrioritisedActions", "Open actions, most in need of attention first");
        return app;
    }

    public static async Task<Results<Ok<RiskedAction>, ProblemHttpResult>> GetRiskAsync(Guid actionId, Caller caller, ActionRisks risks, CancellationToken ct) =>
        (await risks.OpenAsync(null, actionId, ct)).FirstOrDefault() is { } risked && caller.Sees(risked.Action.Site) ? TypedResults.Ok(risked)
        : Problem.NotFound($"No open action {actionId}; risk is assessed for open actions only.");

    /// <param name="limit">From 1 to 1000; 50 when left out.</param>
    public static async Task<Results<Ok<List<RiskedAction>>, ValidationProblem>> PrioritisedAsync(
        string? site, int? limit, Caller caller, ActionRisks risks, CancellationToken ct) =>
        limit is < 1 or > 1000 ? Problem.Invalid("limit", "From 1 to 1000.")
        : TypedResults.Ok((await risks.OpenAsync(site, null, ct)).Where(r => caller.Sees(r.Action.Site))
            .OrderByDescending(r => r.Score).ThenBy(r => r.Action.Due).Take(limit ?? 50).ToList());
}
