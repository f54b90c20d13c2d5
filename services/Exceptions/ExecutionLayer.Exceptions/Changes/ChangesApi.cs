using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Exceptions.Governing;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.Changes;

/// <summary>
/// A change to a governed field: which entity, which field, from which value (as the requester read it: a change asked from a
/// value that has moved since is refused) to which, and why. The requester is the signed caller — or the person a client holding
/// act-on-behalf names. <see cref="RequestId"/> is the caller's idempotency key.
/// </summary>
public sealed record ChangeBody(
    [MaxLength(64)] string Site, [MaxLength(64)] string Entity, [MaxLength(200)] string EntityId, [MaxLength(64)] string Field, [MaxLength(200)] string From,
    [MaxLength(200)] string To, [FreeText] string Reason, Guid? RequestId = null, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>A change as it stands: <see cref="Status"/> pending while its approval is open; granted (the ERP is told), applied once the ERP reports it.</summary>
public sealed record ChangeView(
    Guid ChangeId, string Site, string Entity, string EntityId, string Field, string From, string To, decimal? Size, string Reason, string Requester,
    ChangeStatus Status, string? SubjectType, Guid? ApprovalRequestId, Guid? ApprovalId, string? Outcome, DateTimeOffset RequestedAt, long Version)
{
    public static ChangeView Of(ChangeRequest c, long version) => new(c.Id, c.Site, c.Entity, c.EntityId, c.Field, c.From, c.To, c.Size, c.Reason, c.Requester,
        c.Status, c.SubjectType, c.ApprovalRequestId, c.ApprovalId, c.Outcome, c.RequestedAt, version);
}

public sealed record ChangeSummary(Guid ChangeId, string Site, string Field, string EntityId, ChangeStatus Status, string From, string To, string Requester, DateTimeOffset RequestedAt);

/// <summary>What the change routes need: the request (its caller, as the on-behalf filter leaves it, and correlation), the store, governance and the sites.</summary>
internal sealed record ChangesServices(HttpContext Http, ServiceStore Store, ChangeWriter Changes, ChangeGrants Grants, GovernanceTables Governance, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// Governed changes: a promise date, a due date, a carrier or a planned date changes through a request, decided by the policy for
/// its field, size and site; on a grant the ERP is told (the <c>change.approved</c> webhook and integration event) and the cases
/// watching the entity are re-assessed with the new value.
/// </summary>
public static class ChangesApi
{
    private static readonly string[] Statuses = [.. Enum.GetNames<ChangeStatus>().Where(s => s != nameof(ChangeStatus.None))];

    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        var changes = app.MapGroup("/changes").WithTags("Governed changes");
        changes.MapPost("", RequestAsync).Describe("RequestChange", "Ask to change a governed field (idempotent on requestId)").CommandProblems();
        changes.MapGet("/{changeId:guid}", GetAsync).Describe("GetChange", "One change request, as it stands").Problems(StatusCodes.Status404NotFound);
        changes.MapGet("", ListAsync).Describe("ListChanges", "Change requests by site and status, latest first")
            .QueryValues("status", ChangeStatus.None);
        return app;
    }

    /// <summary>201 with the change (granted at once when the field's policy lets one this small through); 200 with the one already made for the requestId.</summary>
    internal static async Task<Results<Created<ChangeView>, Ok<ChangeView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        ChangeBody body, [AsParameters] ChangesServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        var field = GovernableField.Find(body.Entity ?? "", body.Field ?? "");
        var errors = Validate(body, field, await services.Sites.UnknownAsync([body.Site ?? ""], ct));
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid change request");
        if (!caller.Sees(body.Site!)) return Problem.Forbidden($"This caller may not request changes at {body.Site}.");

        var changeId = body.RequestId is { } requestId ? RequestChange.IdFor(requestId) : Guid.CreateVersion7(services.Store.Clock.GetUtcNow());
        var command = new RequestChange(changeId, body.Site!, field!, body.EntityId.Trim(), field!.Normalize(body.From)!, field.Normalize(body.To)!, body.Reason.Trim(),
            caller.Person, caller.OnBehalfOf is null ? null : caller.Actor);
        var impact = new ImpactQueries(services.Store.Schema);
        await using var tx = await services.Store.BeginAsync(ct);
        var governance = await services.Governance.FindAsync(command.Site, field, ct);
        var pending = await services.Changes.PendingAsync(tx.Transaction, field, command.EntityId, ct);
        var affected = await impact.OfEntityAsync(tx.Transaction, field, command.EntityId, ct);
        var now = services.Store.Clock.GetUtcNow();
        var written = await services.Grants.DecideAsync(tx, changeId, field, command.EntityId, Provenance.Of(caller, services.Http.GetCorrelationId(), command.Site), ct,
            (s, standing) => ChangeDecisions.Request(s, command, new ChangeSituation(governance, standing, pending == changeId ? null : pending, affected, now)));
        await tx.CommitAsync(ct);

        var view = ChangeView.Of(written.State, written.Version);
        return written.Events.Count > 0 ? TypedResults.Created($"/changes/{changeId}", view) : TypedResults.Ok(view);
    }

    internal static async Task<Results<Ok<ChangeView>, ProblemHttpResult>> GetAsync(Guid changeId, [AsParameters] ChangesServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<ChangeRequest>(ChangeRequest.StreamId(changeId), ct);
        return loaded.Version > 0 && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(ChangeView.Of(loaded.State, loaded.Version))
            : Problem.NotFound($"No change request {changeId}.");
    }

    internal static async Task<Results<Ok<ChangeSummary[]>, ValidationProblem>> ListAsync(
        string? site, string? status, int? limit, [AsParameters] ChangesServices services, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !Statuses.Contains(status, StringComparer.OrdinalIgnoreCase)) errors["status"] = [$"One of {string.Join(", ", Statuses)}."];
        if (limit is < 1 or > 500) errors["limit"] = ["Between 1 and 500."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid filter");
        var canonical = status is null ? null : Statuses.First(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
        var rows = await Sql.ListAsync(services.Store.DataSource, $"""
            SELECT change_id, site, field_key, entity_id, status, from_value, to_value, requester, requested_at FROM {services.Store.Schema}.change_index
            WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text[] IS NULL OR site = ANY($3))
            ORDER BY requested_at DESC, change_id LIMIT $4
            """, r => new ChangeSummary(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<ChangeStatus>(r.GetString(4)), r.GetString(5),
                r.GetString(6), r.GetString(7), Sql.TimeAt(r, 8)), ct,
            Sql.Text(site), Sql.Text(canonical), Sql.Texts(services.Caller.SiteFilter), new Npgsql.NpgsqlParameter<int> { TypedValue = limit ?? 100 });
        return TypedResults.Ok(rows.ToArray());
    }

    private static Dictionary<string, string[]> Validate(ChangeBody body, GovernableField? field, string? siteProblem)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.RequestId == Guid.Empty) errors["requestId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
        if (siteProblem is not null) errors["site"] = [siteProblem];
        if (field is null) errors["field"] = [$"A governable entity and field: {GovernableField.Names}."];
        if (string.IsNullOrWhiteSpace(body.EntityId)) errors["entityId"] = ["Name the entity (SO-1001…)."];
        if (field is not null && field.Normalize(body.From) is null) errors["from"] = [field.Kind == FieldKind.Date ? "The value now, as an ISO-8601 date and time." : "The value now."];
        if (field is not null && field.Normalize(body.To) is null) errors["to"] = [field.Kind == FieldKind.Date ? "The value asked for, as an ISO-8601 date and time." : "The value asked for."];
        if (string.IsNullOrWhiteSpace(body.Reason)) errors["reason"] = ["Say why."];
        return errors;
    }
}
