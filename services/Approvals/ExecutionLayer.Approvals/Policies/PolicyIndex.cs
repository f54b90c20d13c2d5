using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Approvals.Policies;

/// <summary>A policy's current version as the list shows it.</summary>
public sealed record PolicySummary(string PolicyId, int Version, bool Retired, PolicyDefinition Definition);

/// <summary>The policy index: each policy's current version, kept in the transaction that publishes or retires it, which routing reads.</summary>
public sealed class PolicyIndex(ServiceStore store)
{
    public Task SaveAsync(NpgsqlTransaction tx, Policy state, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.policy_index (policy_id, version, site, definition, retired, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, now())
        ON CONFLICT (policy_id) DO UPDATE SET version = EXCLUDED.version, site = EXCLUDED.site, definition = EXCLUDED.definition,
            retired = EXCLUDED.retired, updated_at = now()
        """, ct, state.Id, state.Version, state.Definition!.Site, PolicyJson.Of(state.Definition), state.Retired);

    public async Task<bool> ExistsAsync(NpgsqlTransaction tx, string policyId, CancellationToken ct) =>
        await Sql.ScalarAsync<string>(tx, $"SELECT policy_id FROM {store.Schema}.policy_index WHERE policy_id = $1", ct, policyId) is not null;

    public Task<List<PolicySummary>> ListAsync(CancellationToken ct) => Sql.ListAsync(store.DataSource,
        $"SELECT policy_id, version, retired, definition::text FROM {store.Schema}.policy_index ORDER BY policy_id",
        r => new PolicySummary(r.GetString(0), r.GetInt32(1), r.GetBoolean(2), PolicyJson.Read(r.GetString(3))), ct);
}
