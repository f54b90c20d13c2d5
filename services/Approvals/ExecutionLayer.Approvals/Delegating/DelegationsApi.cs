using ExecutionLayer.Approvals.People;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Approvals.Delegating;

/// <summary>
/// The caller delegates their own approvals to <see cref="To"/>; who delegates is the signed caller (or the
/// person a client holding act-on-behalf names), never a field — else anyone could delegate a plant
/// manager's seat to themselves.
/// </summary>
/// <param name="SubjectTypes">What it covers (overtime, expedite…); leave empty for everything.</param>
public sealed record GrantDelegation(string To, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, IReadOnlyList<string>? SubjectTypes = null,
    [FreeText] string? Reason = null, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>What the delegation routes need: the request's caller and correlation, the store and the index.</summary>
public sealed record DelegationsServices(HttpContext Http, ServiceStore Store, DelegationIndex Index)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>Time-bounded delegations of a person's approval seats, so an absence does not stall a stage.</summary>
public static class DelegationsApi
{
    public static IEndpointRouteBuilder MapDelegationsApi(this IEndpointRouteBuilder app)
    {
        var delegations = app.MapGroup("/delegations").WithTags("Delegations");
        delegations.MapPost("", GrantAsync).Describe("GrantDelegation", "Delegate the caller's approvals to someone for a period")
            .Problems(StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        delegations.MapDelete("/{delegationId:guid}", RevokeAsync).Describe("RevokeDelegation", "Revoke a delegation (its giver, its holder or an administrator)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        delegations.MapGet("", ListAsync).Describe("ListDelegations", "Delegations in force or to come that a person gave or holds");
        return app;
    }

    public static async Task<Results<Created<ActiveDelegation>, ValidationProblem>> GrantAsync(
        GrantDelegation body, WorldReader world, [AsParameters] DelegationsServices services, CancellationToken ct)
    {
        var errors = Validate(body);
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid delegation");

        var (caller, store) = (services.Caller, services.Store);
        var now = store.Clock.GetUtcNow();
        var grant = new ActiveDelegation(Guid.CreateVersion7(now), caller.Person, body.To.Trim(),
            [.. (body.SubjectTypes ?? []).Select(t => t.Trim().ToLowerInvariant()).Distinct()], body.ValidFrom, body.ValidUntil);
        await using var tx = await store.BeginAsync(ct);
        await services.Index.LockAsync(tx.Transaction, ct);
        var others = await world.DelegationsAsync(tx.Transaction, ct);
        await tx.DecideAsync(Delegation.StreamId(grant.DelegationId), null,
            (Delegation s) => Delegation.Grant(s, grant, others, caller.Person, body.Reason, now),
            _ => Provenance.Of(caller, services.Http.GetCorrelationId()), ct);
        await services.Index.AddAsync(tx.Transaction, grant, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/delegations/{grant.DelegationId}", grant);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid delegationId, [AsParameters] DelegationsServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        await using var tx = await store.BeginAsync(ct);
        if (!await services.Index.ExistsAsync(tx.Transaction, delegationId, ct)) return Problem.NotFound($"No delegation {delegationId}.");
        var terms = (await tx.LoadAsync<Delegation>(Delegation.StreamId(delegationId), ct)).State.Terms;
        if (terms is not null && !caller.Is(terms.From) && !caller.Is(terms.To) && !caller.Has(Caller.AdminScope))
            return Problem.Forbidden($"Only {terms.From}, {terms.To} or an administrator may revoke this delegation.");
        await tx.DecideAsync(Delegation.StreamId(delegationId), null, (Delegation s) => Delegation.Revoke(s, caller.Person, store.Clock.GetUtcNow()),
            _ => Provenance.Of(caller, services.Http.GetCorrelationId()), ct);
        await services.Index.RevokeAsync(tx.Transaction, delegationId, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <param name="person">Whose delegations, given or held; everyone's when left out.</param>
    public static async Task<Ok<List<ActiveDelegation>>> ListAsync(string? person, [AsParameters] DelegationsServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Index.InForceAsync(person, ct));

    private static Dictionary<string, string[]> Validate(GrantDelegation body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.To)) errors["to"] = ["Who may decide in your place."];
        if (body.SubjectTypes is { } types && (types.Count > 50 || types.Any(string.IsNullOrWhiteSpace))) errors["subjectTypes"] = ["Subject types, or leave empty for all."];
        if (body.ValidUntil <= body.ValidFrom) errors["validUntil"] = ["Must be after validFrom; delegations are always time-bounded."];
        return errors;
    }
}
