using System.Text.RegularExpressions;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Approvals.People;

/// <param name="People">Who holds the role now; empty vacates it.</param>
public sealed record SetRoleHolders(IReadOnlyList<string> People);

public static partial class DirectoryEndpoints
{
    public static IEndpointRouteBuilder MapDirectory(this IEndpointRouteBuilder app)
    {
        app.MapPut("/directory/{site}/roles/{role}", async (string site, string role, SetRoleHolders body, HttpContext http, Caller caller, ServiceStore store,
            ApprovalsOptions options, CancellationToken ct) =>
        {
            // Corporate roles span every site, so only a caller who sees every site may set them.
            if (!caller.Sees(site) || site == ApprovalsOptions.CorporateSite && caller.Sites is not null)
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not manage the directory of {site}.");
            var errors = new Dictionary<string, string[]>();
            if (site != ApprovalsOptions.CorporateSite && !options.Sites.Contains(site))
                errors["site"] = [$"One of {string.Join(", ", options.Sites)}, or {ApprovalsOptions.CorporateSite} for a role that spans every site."];
            if (!Role().IsMatch(role)) errors["role"] = ["Lower-case letters, digits and '-' (plant-manager), at most 63."];
            if (body.People.Count > 50 || body.People.Any(string.IsNullOrWhiteSpace))
                errors["people"] = ["A list (at most 50) of people's ids; empty vacates the role."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid directory entry");

            var people = body.People.Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var by = caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            var written = await tx.DecideAsync(SiteDirectory.StreamId(site), null,
                (SiteDirectory s) => SiteDirectory.SetHolders(s, site, role, people, by, store.Clock.GetUtcNow()),
                _ => Provenance.Of(caller, http.GetCorrelationId(), site), ct);
            await Sql.ExecAsync(tx.Transaction, $"""
                INSERT INTO {store.Schema}.role_holders (site, role, people) VALUES ($1, $2, $3) ON CONFLICT (site, role) DO UPDATE SET people = EXCLUDED.people
                """, ct, site, role, people);
            await tx.CommitAsync(ct);
            return Results.Ok(new { site, role, people, changed = written.Events.Count > 0 });
        });

        app.MapGet("/directory/{site}", async (string site, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsync<SiteDirectory>(SiteDirectory.StreamId(site), ct);
            return loaded.Exists && (caller.Sees(site) || site == ApprovalsOptions.CorporateSite) ? Results.Ok(new { site, roles = loaded.State.Roles.OrderBy(r => r.Role, StringComparer.Ordinal) })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"Nobody holds a role at {site} yet.");
        });
        return app;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Role();
}
