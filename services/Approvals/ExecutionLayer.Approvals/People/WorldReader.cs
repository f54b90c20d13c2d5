using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.People;

/// <summary>Reads, inside the caller's transaction, what decisions need to know about the world: policies, role holders, delegations.</summary>
public sealed class WorldReader(ServiceStore store)
{
    private readonly string _s = store.Schema;

    public async Task<Situation> SituationAsync(NpgsqlTransaction tx, string site, CancellationToken ct) =>
        new(await HoldersAsync(tx, site, ct), await DelegationsAsync(tx, ct), store.Clock.GetUtcNow());

    /// <summary>The request's site, or null when there is no such request.</summary>
    public Task<string?> SiteOfAsync(NpgsqlTransaction tx, Guid approvalId, CancellationToken ct) =>
        Sql.ScalarAsync<string>(tx, $"SELECT site FROM {_s}.approval_index WHERE approval_id = $1", ct, approvalId);

    /// <summary>The request's site and correlation (which names the owner of its context), or null when there is no such request. One indexed row.</summary>
    public async Task<LiveContext.ContextOwner?> OwnerOfAsync(Guid approvalId, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT site, correlation_id, live_context_url FROM {_s}.approval_index WHERE approval_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = approvalId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new LiveContext.ContextOwner(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : new Uri(reader.GetString(2)))
            : null;
    }

    public async Task<IReadOnlyList<PolicyVersion>> PoliciesAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT policy_id, version, definition::text FROM {_s}.policy_index WHERE NOT retired", []);
        var policies = new List<PolicyVersion>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) policies.Add(new PolicyVersion(reader.GetString(0), reader.GetInt32(1), PolicyJson.Read(reader.GetString(2))));
        return policies;
    }

    public async Task<RoleHolders> HoldersAsync(NpgsqlTransaction tx, string site, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT site, role, people FROM {_s}.role_holders WHERE site = $1 OR site = $2", [site, ApprovalsOptions.CorporateSite]);
        var rows = new List<(string, string, IReadOnlyList<string>)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
        return new RoleHolders(rows);
    }

    /// <summary>Every delegation not revoked and not yet over; decisions check the window and scope themselves.</summary>
    public async Task<IReadOnlyList<ActiveDelegation>> DelegationsAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT delegation_id, from_person, to_person, subject_types, valid_from, valid_until FROM {_s}.delegation_index
            WHERE NOT revoked AND valid_until > $1
            """, [store.Clock.GetUtcNow()]);
        var delegations = new List<ActiveDelegation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            delegations.Add(new ActiveDelegation(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(4)), new DateTimeOffset(reader.GetFieldValue<DateTime>(5))));
        return delegations;
    }
}
