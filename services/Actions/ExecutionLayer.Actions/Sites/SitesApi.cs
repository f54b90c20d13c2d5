using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Actions.Sites;

/// <param name="Roles">Role → people. Required: a PUT replaces all of a site's rules, and a body without roles would wipe every owner.</param>
public sealed record SiteRulesBody(
    Dictionary<string, IReadOnlyList<string>> Roles, Dictionary<string, string>? Managers = null, IReadOnlyList<LadderRung>? OverdueLadder = null,
    int? RepeatWindowDays = null, int? VerificationWindowDays = null, string? DefaultVerifierRole = null);

public sealed record SiteRulesView(string Site, SiteRules Rules);

/// <summary>The rules a PUT left; <see cref="Changed"/> is false when it held what the site had already.</summary>
public sealed record SiteRulesPut(string Site, SiteRules Rules, bool Changed);

/// <summary>What the site-rules routes need: who asks, the store, the rules and the configured sites.</summary>
public sealed record SitesServices(Caller Caller, ServiceStore Store, SiteDirectory Sites, SiteCatalog Registry);

/// <summary>Each site's roles, managers, overdue ladder and windows: who owns, verifies and is escalated to.</summary>
public static class SitesApi
{
    public static IEndpointRouteBuilder MapSitesApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/actions/sites/{site}/rules").WithTags("Sites");
        rules.MapPut("", PutRulesAsync).Describe("PutSiteRules", "Replace a site's roles, managers, overdue ladder and windows")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        rules.MapGet("", GetRulesAsync).Describe("GetSiteRules", "A site's rules (the defaults until it sets its own)").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<SiteRulesPut>, ValidationProblem, ProblemHttpResult>> PutRulesAsync(
        string site, SiteRulesBody body, HttpContext http, [AsParameters] SitesServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var actor = caller.Person;
        if (!caller.Sees(site)) return Problem.Forbidden($"This caller may not change the rules of {site}.");
        if (await services.Registry.UnknownAsync([site], ct) is { } unknown) return Problem.Invalid("site", unknown);
        var d = SiteRules.Default;
        var rules = new SiteRules(body.Roles, body.Managers ?? new(), body.OverdueLadder ?? d.OverdueLadder,
            body.RepeatWindowDays ?? d.RepeatWindowDays, body.VerificationWindowDays ?? d.VerificationWindowDays, body.DefaultVerifierRole ?? d.DefaultVerifierRole);
        if (rules.Validate() is { Count: > 0 } errors) return Problem.Invalid(new Dictionary<string, string[]> { ["rules"] = [.. errors] }, "Invalid site rules");

        await using var tx = await store.BeginAsync(ct);
        var written = await tx.DecideAsync(SiteSettings.StreamId(site), null,
            (SiteSettings s) => SiteSettings.Change(s, site, rules, actor, store.Clock.GetUtcNow()),
            _ => Provenance.Of(caller, http.GetCorrelationId(), site), ct);
        await services.Sites.SaveAsync(tx.Transaction, site, rules, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new SiteRulesPut(site, rules, written.Events.Count > 0));
    }

    public static async Task<Results<Ok<SiteRulesView>, ProblemHttpResult>> GetRulesAsync(string site, [AsParameters] SitesServices services, CancellationToken ct) =>
        services.Caller.Sees(site) && await services.Registry.FindAsync(site, ct) is not null ? TypedResults.Ok(new SiteRulesView(site, await services.Sites.RulesAsync(site, ct)))
        : Problem.NotFound($"No site {site}.");
}
