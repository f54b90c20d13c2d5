using System.Text.RegularExpressions;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Approvals.People;

/// <param name="People">Who holds the role now; empty vacates it.</param>
public sealed record SetRoleHolders(IReadOnlyList<string> People);

/// <summary>A role's holders as a PUT left them; <see cref="Changed"/> is false when it held who held it already.</summary>
public sealed record RoleHoldersPut(string Site, string Role, IReadOnlyList<string> People, bool Changed);

public sealed record SiteRoles(string Site, IReadOnlyList<RoleAssignment> Roles);

/// <summary>Who holds which role at each site (and corporate roles across every site): whom policies route to by role.</summary>
public static partial class DirectoryApi
{
    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var directory = app.MapGroup("/directory").WithTags("Directory");
        directory.MapPut("/{site}/roles/{role}", SetHoldersAsync).Describe("SetRoleHolders", "Say who holds a role at a site now")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        directory.MapGet("/{site}", GetAsync).Describe("GetDirectory", "Every role at a site and who holds it").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<RoleHoldersPut>, ValidationProblem, ProblemHttpResult>> SetHoldersAsync(
        string site, string role, SetRoleHolders body, HttpContext http, Caller caller, ServiceStore store, RoleHolderTable holders, SiteCatalog sites,
        CancellationToken ct)
    {
        // Corporate roles span every site, so only a caller who sees every site may set them.
        if (!caller.Sees(site) || site == ApprovalsOptions.CorporateSite && caller.Sites is not null)
            return Problem.Forbidden($"This caller may not manage the directory of {site}.");
        var errors = new Dictionary<string, string[]>();
        if (site != ApprovalsOptions.CorporateSite && await sites.UnknownAsync([site], ct) is { } unknown)
            errors["site"] = [$"{unknown} Or {ApprovalsOptions.CorporateSite} for a role that spans every site."];
        if (!Role().IsMatch(role)) errors["role"] = ["Lower-case letters, digits and '-' (plant-manager), at most 63."];
        if (body.People.Count > 50 || body.People.Any(string.IsNullOrWhiteSpace))
            errors["people"] = ["A list (at most 50) of people's ids; empty vacates the role."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid directory entry");

        var people = body.People.Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var by = caller.Actor;
        await using var tx = await store.BeginAsync(ct);
        var written = await tx.DecideAsync(SiteDirectory.StreamId(site), null,
            (SiteDirectory s) => SiteDirectory.SetHolders(s, site, role, people, by, store.Clock.GetUtcNow()),
            _ => Provenance.Of(caller, http.GetCorrelationId(), site), ct);
        await holders.SaveAsync(tx.Transaction, site, role, people, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new RoleHoldersPut(site, role, people, written.Events.Count > 0));
    }

    public static async Task<Results<Ok<SiteRoles>, ProblemHttpResult>> GetAsync(string site, Caller caller, ServiceStore store, CancellationToken ct)
    {
        var loaded = await store.LoadAsync<SiteDirectory>(SiteDirectory.StreamId(site), ct);
        return loaded.Exists && (caller.Sees(site) || site == ApprovalsOptions.CorporateSite)
            ? TypedResults.Ok(new SiteRoles(site, [.. loaded.State.Roles.OrderBy(r => r.Role, StringComparer.Ordinal)]))
            : Problem.NotFound($"Nobody holds a role at {site} yet.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Role();
}
