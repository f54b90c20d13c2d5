using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Approvals.People;

/// <summary>Who holds each role at each site now, kept in the transaction of the directory's change: what routing resolves approvers from.</summary>
public sealed class RoleHolderTable(ServiceStore store)
{
    public Task SaveAsync(NpgsqlTransaction tx, string site, string role, string[] people, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.role_holders (site, role, people) VALUES ($1, $2, $3) ON CONFLICT (site, role) DO UPDATE SET people = EXCLUDED.people
        """, ct, site, role, people);
}
