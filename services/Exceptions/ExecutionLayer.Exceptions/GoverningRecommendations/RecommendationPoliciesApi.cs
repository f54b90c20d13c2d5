using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.GoverningRecommendations;

/// <param name="AutoAcceptUpTo">The most a recommendation's actions of this kind may cost (in the recommendation's currency) to be accepted without a person; left out: never.</param>
/// <param name="MinConfidence">The least confidence (0–1) a recommendation must state to be accepted without a person.</param>
/// <param name="SubjectType">The approval subject type whose policy routes it otherwise; recommendation.{kind} when left out.</param>
public sealed record RecommendationRuleBody(decimal? AutoAcceptUpTo = null, decimal? MinConfidence = null, string? SubjectType = null);

public sealed record RecommendationRuleView(string Site, string Kind, decimal? AutoAcceptUpTo, decimal? MinConfidence, string SubjectType, long Version)
{
    public static RecommendationRuleView Of(RecommendationRule r) => new(r.Site, ProposedAction.Slugs[r.Kind], r.AutoAcceptUpTo, r.MinConfidence, r.SubjectType, r.Version);
}

/// <summary>The rule a PUT left; <see cref="Changed"/> is false when it said what was already so.</summary>
public sealed record RecommendationRulePut(RecommendationRuleView Rule, bool Changed);

/// <summary>What the recommendation-policy routes need: the request (its signed caller and correlation), the store, the rules and the site registry.</summary>
public sealed record RecommendationPoliciesServices(HttpContext Http, ServiceStore Store, RecommendationRules Rules, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// How much a site lets planning and AI systems do without a person, kind by kind: configuration through the API, kept as each
/// rule's stream. Setting and removing take the admin scope; anyone who may read a site reads its rules.
/// </summary>
public static class RecommendationPoliciesApi
{
    public static IEndpointRouteBuilder MapRecommendationPoliciesApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/recommendation-policies").WithTags("Recommendations");
        rules.MapPut("/{site}/{kind}", PutAsync).Describe("SetRecommendationRule", "Set how a kind of proposed action is decided at a site (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        rules.MapDelete("/{site}/{kind}", RemoveAsync).Describe("RemoveRecommendationRule", "Send every recommendation of a kind at a site to people (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        rules.MapGet("", ListAsync).Describe("ListRecommendationRules", "The rules in force at the sites the caller may see (or at one)");
        return app;
    }

    public static async Task<Results<Created<RecommendationRulePut>, Ok<RecommendationRulePut>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string site, string kind, RecommendationRuleBody body, [AsParameters] RecommendationPoliciesServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Has(Caller.AdminScope)) return Problem.Forbidden("Setting a recommendation rule needs the admin scope.");
        if (await services.Sites.UnknownAsync([site], ct) is { } unknown) return Problem.NotFound(unknown);
        if (KindOf(kind) is not { } known) return Problem.NotFound($"'{kind}' is not a kind of proposed action: {string.Join(", ", ProposedAction.Slugs.Values)}.");
        if (SetRecommendationRule.Check(site, known, body.AutoAcceptUpTo, body.MinConfidence, body.SubjectType, out var errors) is not { } command)
            return Problem.Invalid(errors, "Invalid recommendation rule");

        var now = services.Store.Clock.GetUtcNow();
        var written = await WriteAsync(services, site, known, s => RecommendationPolicyDecisions.Set(s, command, caller.Person, now), ct);
        var s = written.State;
        var put = new RecommendationRulePut(RecommendationRuleView.Of(new RecommendationRule(site, known, s.AutoAcceptUpTo, s.MinConfidence, s.SubjectType, written.Version)),
            written.Events.Count > 0);
        return written.Events.Count > 0 && written.Version == written.Events.Count
            ? TypedResults.Created($"/recommendation-policies?site={site}", put) : TypedResults.Ok(put);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string site, string kind, [AsParameters] RecommendationPoliciesServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Has(Caller.AdminScope)) return Problem.Forbidden("Removing a recommendation rule needs the admin scope.");
        if (KindOf(kind) is not { } known) return Problem.NotFound($"'{kind}' is not a kind of proposed action.");
        var now = services.Store.Clock.GetUtcNow();
        await WriteAsync(services, site, known, s => RecommendationPolicyDecisions.Remove(s, site, known, caller.Person, now), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<RecommendationRuleView[]>> ListAsync(string? site, [AsParameters] RecommendationPoliciesServices services, CancellationToken ct) =>
        TypedResults.Ok((await services.Rules.AllAsync(site, services.Caller.SiteFilter, ct)).Select(RecommendationRuleView.Of).ToArray());

    public static ProposedActionKind? KindOf(string slug) =>
        ProposedAction.Slugs.FirstOrDefault(k => k.Value.Equals(slug, StringComparison.OrdinalIgnoreCase)) is { Value: not null } found ? found.Key : null;

    /// <summary>The one write path for a rule: decide on its stream, keep the table in the same transaction.</summary>
    private static async Task<Decided<RecommendationPolicy, RecommendationPolicy.Event>> WriteAsync(
        RecommendationPoliciesServices services, string site, ProposedActionKind kind, Func<RecommendationPolicy, IReadOnlyList<RecommendationPolicy.Event>> decide,
        CancellationToken ct)
    {
        var provenance = Provenance.Of(services.Caller, services.Http.GetCorrelationId(), site);
        await using var tx = await services.Store.BeginAsync(ct);
        var written = await tx.DecideAsync(RecommendationPolicy.StreamId(site, kind), null, decide, _ => provenance, ct);
        if (written.Events.Count > 0) await services.Rules.KeepAsync(tx.Transaction, written.State, written.Version, services.Store.Clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return written;
    }
}
