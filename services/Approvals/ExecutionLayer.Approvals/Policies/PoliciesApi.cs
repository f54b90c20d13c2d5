using System.Text.RegularExpressions;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Approvals.Policies;

public sealed record PolicyPublished(string PolicyId, int Version, bool Changed);

public sealed record PolicyVersionInfo(int Version, string PublishedBy, DateTimeOffset PublishedAt);

public sealed record PolicyView(string PolicyId, int Version, bool Retired, PolicyDefinition Definition, IReadOnlyList<PolicyVersionInfo> Versions);

/// <summary>What the policy routes need: the request's caller and correlation, the store and the index.</summary>
public sealed record PoliciesServices(HttpContext Http, Caller Caller, ServiceStore Store, PolicyIndex Index);

/// <summary>Approval policies: versioned, each request routed by the version in force when it was made.</summary>
public static partial class PoliciesApi
{
    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/policies").WithTags("Policies");
        policies.MapPut("/{policyId}", PublishAsync).Describe("PublishPolicy", "Publish the next version of a policy (the same definition again publishes nothing)")
            .Problems(StatusCodes.Status409Conflict);
        policies.MapDelete("/{policyId}", RetireAsync).Describe("RetirePolicy", "Retire a policy: new requests no longer route by it")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        policies.MapGet("", ListAsync).Describe("ListPolicies", "Every policy at its current version");
        policies.MapGet("/{policyId}", GetAsync).Describe("GetPolicy", "A policy at its current or a given version, with every version published")
            .Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<PolicyPublished>, ValidationProblem>> PublishAsync(
        string policyId, PolicyDefinition definition, SiteCatalog sites, [AsParameters] PoliciesServices services, CancellationToken ct)
    {
        if (!Id().IsMatch(policyId)) return Problem.Invalid("policyId", "Lower-case letters, digits and '-', at most 63.");
        var errors = definition.Validate(definition.Site is { } site ? await sites.UnknownAsync([site], ct) : null);
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid policy");

        var (caller, store) = (services.Caller, services.Store);
        var by = caller.Actor;
        await using var tx = await store.BeginAsync(ct);
        var written = await tx.DecideAsync(Policy.StreamId(policyId), null,
            (Policy s) => Policy.Publish(s, policyId, definition, by, store.Clock.GetUtcNow()),
            _ => Provenance.Of(caller, services.Http.GetCorrelationId(), definition.Site), ct);
        await services.Index.SaveAsync(tx.Transaction, written.State, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new PolicyPublished(policyId, written.State.Version, written.Events.Count > 0));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RetireAsync(string policyId, [AsParameters] PoliciesServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var by = caller.Actor;
        await using var tx = await store.BeginAsync(ct);
        if (!await services.Index.ExistsAsync(tx.Transaction, policyId, ct)) return Problem.NotFound($"No policy {policyId}.");
        var written = await tx.DecideAsync(Policy.StreamId(policyId), null, (Policy s) => Policy.Retire(s, by, store.Clock.GetUtcNow()),
            s => Provenance.Of(caller, services.Http.GetCorrelationId(), s.Definition?.Site), ct);
        await services.Index.SaveAsync(tx.Transaction, written.State, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<PolicySummary>>> ListAsync([AsParameters] PoliciesServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Index.ListAsync(ct));

    /// <param name="version">A version published before; the current one when left out.</param>
    public static async Task<Results<Ok<PolicyView>, ProblemHttpResult>> GetAsync(string policyId, int? version, [AsParameters] PoliciesServices services, CancellationToken ct)
    {
        var events = await services.Store.ReadStreamAsync(Policy.StreamId(policyId), null, null, ct);
        var published = events.Select(e => e.Data).OfType<Policy.Event.VersionPublished>().ToList();
        if (published.Count == 0) return Problem.NotFound($"No policy {policyId}.");
        var shown = version is null ? published[^1] : published.FirstOrDefault(p => p.Version == version);
        if (shown is null) return Problem.NotFound($"Policy {policyId} has no version {version}.");
        var state = Loaded<Policy>.Of(events).State;
        return TypedResults.Ok(new PolicyView(policyId, shown.Version, state.Retired && version is null, shown.Definition,
            [.. published.Select(p => new PolicyVersionInfo(p.Version, p.PublishedBy, p.PublishedAt))]));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Id();
}
