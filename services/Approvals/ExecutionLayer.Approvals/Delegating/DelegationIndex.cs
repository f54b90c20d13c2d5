using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Approvals.Delegating;

/// <summary>The delegations in one table, kept in each grant's and revocation's transaction: what pending lists and routing read.</summary>
public sealed class DelegationIndex(ServiceStore store)
{
    /// <summary>Taken before a grant is judged, so two grants that would together close a loop cannot both pass.</summary>
    public Task LockAsync(NpgsqlTransaction tx, CancellationToken ct) =>
        Sql.ExecAsync(tx, "SELECT pg_advisory_xact_lock(hashtextextended('approvals-delegations', 0))", ct);

    public Task AddAsync(NpgsqlTransaction tx, ActiveDelegation grant, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.delegation_index (delegation_id, from_person, to_person, subject_types, valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6)
        """, ct, grant.DelegationId, grant.From, grant.To, grant.SubjectTypes, grant.ValidFrom, grant.ValidUntil);

    public async Task<bool> ExistsAsync(NpgsqlTransaction tx, Guid delegationId, CancellationToken ct) =>
        await Sql.ScalarAsync<Guid?>(tx, $"SELECT delegation_id FROM {store.Schema}.delegation_index WHERE delegation_id = $1", ct, delegationId) is not null;

    public Task RevokeAsync(NpgsqlTransaction tx, Guid delegationId, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"UPDATE {store.Schema}.delegation_index SET revoked = true WHERE delegation_id = $1", ct, delegationId);

    /// <summary>Delegations a person gave or holds (everyone's when null) that are not revoked and not over.</summary>
    public Task<List<ActiveDelegation>> InForceAsync(string? person, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT delegation_id, from_person, to_person, subject_types, valid_from, valid_until FROM {store.Schema}.delegation_index
        WHERE NOT revoked AND valid_until > $1 AND ($2::text IS NULL OR lower(from_person) = lower($2) OR lower(to_person) = lower($2))
        ORDER BY valid_from
        """, r => new ActiveDelegation(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), Sql.TimeAt(r, 4), Sql.TimeAt(r, 5)), ct,
        Sql.Timestamp(store.Clock.GetUtcNow()), Sql.Text(person));
}
