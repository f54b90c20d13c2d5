using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Actions.Sites;

/// <param name="Roles">Role → people. Required: a PUT replaces all of a site's rules, and a body without roles would wipe every owner.</param>
public sealed record SiteRulesBody(
    Dictionary<string, IReadOnlyList<string>> Roles, Dictionary<string, string>? Managers = null, IReadOnlyList<LadderRung>? OverdueLadder = null,
    int? RepeatWindowDays = null, int? VerificationWindowDays = null, string? DefaultVerifierRole = null);

public static class SitesEndpoints
{
    public static IEndpointRouteBuilder MapSites(this IEndpointRouteBuilder app)
    {
        app.MapPut("/actions/sites/{site}/rules", async (string site, SiteRulesBody body, HttpContext http, Caller caller, ServiceStore store, ActionsOptions options, CancellationToken ct) =>
        {
            var actor = caller.Person;
            if (!caller.Sees(site)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not change the rules of {site}.");
            if (!options.Sites.Contains(site))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["site"] = [$"One of {string.Join(", ", options.Sites)}."] });
            var d = SiteRules.Default;
            var rules = new SiteRules(body.Roles, body.Managers ?? new(), body.OverdueLadder ?? d.OverdueLadder,
                body.RepeatWindowDays ?? d.RepeatWindowDays, body.VerificationWindowDays ?? d.VerificationWindowDays, body.DefaultVerifierRole ?? d.DefaultVerifierRole);
            if (rules.Validate() is { Count: > 0 } errors)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["rules"] = [.. errors] }, title: "Invalid site rules");

            await using var tx = await store.BeginAsync(ct);
            var written = await tx.DecideAsync(SiteSettings.StreamId(site), null,
                (SiteSettings s) => SiteSettings.Change(s, site, rules, actor, store.Clock.GetUtcNow()),
                _ => Provenance.Of(caller, http.GetCorrelationId(), site), ct);
            await Sql.ExecAsync(tx.Transaction, $"""
                INSERT INTO {store.Schema}.site_rules (site, rules) VALUES ($1, $2) ON CONFLICT (site) DO UPDATE SET rules = EXCLUDED.rules
                """, ct, site, EventJson.Of(rules));
            await tx.CommitAsync(ct);
            return Results.Ok(new { site, rules, changed = written.Events.Count > 0 });
        });

        app.MapGet("/actions/sites/{site}/rules", async (string site, Caller caller, SiteDirectory sites, ActionsOptions options, CancellationToken ct) =>
            options.Sites.Contains(site) && caller.Sees(site) ? Results.Ok(new { site, rules = await sites.RulesAsync(site, ct) })
            : Results.Problem(statusCode: 404, title: "Not found", detail: $"No site {site}."));
        return app;
    }
}
