using ExecutionLayer.Approvals.People;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.Delegating;

/// <summary>
/// The caller delegates their own approvals to <see cref="To"/>; who delegates is the signed caller (or the
/// person a client holding act-on-behalf names), never a field — else anyone could delegate a plant
/// manager's seat to themselves.
/// </summary>
/// <param name="SubjectTypes">What it covers (overtime, expedite…); leave empty for everything.</param>
public sealed record GrantDelegation(string To, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, IReadOnlyList<string>? SubjectTypes = null,
    [FreeText] string? Reason = null, string? OnBehalfOf = null) : IMayActOnBehalf;

public static class DelegationsEndpoints
{
    public static IEndpointRouteBuilder MapDelegations(this IEndpointRouteBuilder app)
    {
        app.MapPost("/delegations", async (GrantDelegation body, HttpContext http, Caller caller, ServiceStore store, WorldReader world, CancellationToken ct) =>
        {
            var errors = Validate(body);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid delegation");

            var now = store.Clock.GetUtcNow();
            var grant = new ActiveDelegation(Guid.CreateVersion7(now), caller.Person, body.To.Trim(),
                [.. (body.SubjectTypes ?? []).Select(t => t.Trim().ToLowerInvariant()).Distinct()], body.ValidFrom, body.ValidUntil);
            var by = caller.Person;
            await using var tx = await store.BeginAsync(ct);
            // One delegation is judged at a time, so two that would together close a loop cannot both pass.
            await Sql.ExecAsync(tx.Transaction, "SELECT pg_advisory_xact_lock(hashtextextended('approvals-delegations', 0))", ct);
            var others = await world.DelegationsAsync(tx.Transaction, ct);
            await tx.DecideAsync(Delegation.StreamId(grant.DelegationId), null,
                (Delegation s) => Delegation.Grant(s, grant, others, by, body.Reason, now),
                _ => Provenance.Of(caller, http.GetCorrelationId()), ct);
            await Sql.ExecAsync(tx.Transaction, $"""
                INSERT INTO {store.Schema}.delegation_index (delegation_id, from_person, to_person, subject_types, valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6)
                """, ct, grant.DelegationId, grant.From, grant.To, grant.SubjectTypes, grant.ValidFrom, grant.ValidUntil);
            await tx.CommitAsync(ct);
            return Results.Created($"/delegations/{grant.DelegationId}", grant);
        });

        // Revoked by the person who delegated, the one who holds it, or an administrator.
        app.MapDelete("/delegations/{delegationId:guid}", async (Guid delegationId, HttpContext http, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var by = caller.Person;
            await using var tx = await store.BeginAsync(ct);
            if (await Sql.ScalarAsync<Guid?>(tx.Transaction, $"SELECT delegation_id FROM {store.Schema}.delegation_index WHERE delegation_id = $1", ct, delegationId) is null)
                return Results.Problem(statusCode: 404, title: "Not found", detail: $"No delegation {delegationId}.");
            var terms = (await tx.LoadAsync<Delegation>(Delegation.StreamId(delegationId), ct)).State.Terms;
            if (terms is not null && !caller.Is(terms.From) && !caller.Is(terms.To) && !caller.Has(Caller.AdminScope))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"Only {terms.From}, {terms.To} or an administrator may revoke this delegation.");
            await tx.DecideAsync(Delegation.StreamId(delegationId), null, (Delegation s) => Delegation.Revoke(s, by, store.Clock.GetUtcNow()),
                _ => Provenance.Of(caller, http.GetCorrelationId()), ct);
            await Sql.ExecAsync(tx.Transaction, $"UPDATE {store.Schema}.delegation_index SET revoked = true WHERE delegation_id = $1", ct, delegationId);
            await tx.CommitAsync(ct);
            return Results.NoContent();
        });

        // Delegations a person gave or holds that are not revoked and not over.
        app.MapGet("/delegations", async (string? person, ServiceStore store, CancellationToken ct) =>
        {
            await using var command = store.DataSource.CreateCommand($"""
                SELECT delegation_id, from_person, to_person, subject_types, valid_from, valid_until FROM {store.Schema}.delegation_index
                WHERE NOT revoked AND valid_until > $1 AND ($2::text IS NULL OR lower(from_person) = lower($2) OR lower(to_person) = lower($2))
                ORDER BY valid_from
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = store.Clock.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)person ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            var list = new List<ActiveDelegation>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                list.Add(new ActiveDelegation(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(4)), new DateTimeOffset(reader.GetFieldValue<DateTime>(5))));
            return Results.Ok(list);
        });
        return app;
    }

    private static Dictionary<string, string[]> Validate(GrantDelegation body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.To)) errors["to"] = ["Who may decide in your place."];
        if (body.SubjectTypes is { } types && (types.Count > 50 || types.Any(string.IsNullOrWhiteSpace))) errors["subjectTypes"] = ["Subject types, or leave empty for all."];
        if (body.ValidUntil <= body.ValidFrom) errors["validUntil"] = ["Must be after validFrom; delegations are always time-bounded."];
        return errors;
    }
}
