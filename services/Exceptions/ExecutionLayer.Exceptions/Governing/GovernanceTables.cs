using System.Diagnostics;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.Governing;

/// <summary>A field governed at a site, as the intake and change requests read it.</summary>
public sealed record GovernedFieldEntry(string Site, GovernableField Field, string OwnerRole, string SubjectType, decimal? FreeUpTo, long Version, DateTimeOffset UpdatedAt);

/// <summary>
/// Where an entity's governed field stands: <see cref="Governed"/> is the value with a trail (the first one reported, then each
/// granted change); <see cref="Reported"/> is what the ERP/MES last said. They differ while a granted change waits for the ERP
/// to apply it, and while a change nobody granted stands.
/// </summary>
public sealed record GovernedValue(string Site, GovernableField Field, string EntityId, string Governed, string Reported, DateTimeOffset ReportedAt, Guid? AwaitingChange);

/// <summary>
/// What governance keeps beside its streams, written in the transactions that decide: which fields are governed where (read by
/// every intake post, so held as a snapshot refreshed each second and at once after a write here), each governed field's
/// values, and the change requests' index.
/// </summary>
public sealed class GovernanceTables(ServiceStore store)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly string _s = store.Schema;
    private volatile Snapshot? _snapshot;

    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.governed_fields (
            site text NOT NULL, field_key text NOT NULL, owner_role text NOT NULL, subject_type text NOT NULL, free_up_to numeric NULL,
            version bigint NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (site, field_key));
        CREATE TABLE IF NOT EXISTS {s}.governed_values (
            field_key text NOT NULL, entity_id text NOT NULL, site text NOT NULL, governed text NOT NULL, reported text NOT NULL,
            reported_at timestamptz NOT NULL, awaiting_change uuid NULL, PRIMARY KEY (field_key, entity_id));
        CREATE TABLE IF NOT EXISTS {s}.change_index (
            change_id uuid PRIMARY KEY, site text NOT NULL, field_key text NOT NULL, entity_id text NOT NULL, status text NOT NULL,
            from_value text NOT NULL, to_value text NOT NULL, requester text NOT NULL, approval_request_id uuid NULL, approval_id uuid NULL,
            requested_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS change_index_request ON {s}.change_index (approval_request_id) WHERE approval_request_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS change_index_site ON {s}.change_index (site, status, requested_at DESC);
        """;

    /// <summary>The fields governed at a site, from a snapshot at most a second old.</summary>
    public async Task<IReadOnlyList<GovernedFieldEntry>> AtAsync(string site, CancellationToken ct) =>
        (await SnapshotAsync(ct)).Fields.TryGetValue(site, out var fields) ? fields : [];

    public async Task<GovernedFieldEntry?> FindAsync(string site, GovernableField field, CancellationToken ct) =>
        (await AtAsync(site, ct)).FirstOrDefault(f => f.Field == field);

    /// <summary>Every site's governed fields (for a batch of facts: read once).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<GovernedFieldEntry>>> AllAsync(CancellationToken ct) => (await SnapshotAsync(ct)).Fields;

    /// <summary>Written in the transaction that governed or released the field; the snapshot learns it once that committed (<see cref="Forget"/>).</summary>
    public Task KeepAsync(NpgsqlTransaction tx, FieldGovernance state, long version, DateTimeOffset now, CancellationToken ct) => state.Governed
        ? Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.governed_fields (site, field_key, owner_role, subject_type, free_up_to, version, updated_at) VALUES ($1, $2, $3, $4, $5::numeric, $6, $7)
            ON CONFLICT (site, field_key) DO UPDATE SET owner_role = EXCLUDED.owner_role, subject_type = EXCLUDED.subject_type,
                free_up_to = EXCLUDED.free_up_to, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            """, ct, state.Site, $"{state.Entity}.{state.Field}", state.OwnerRole, state.SubjectType, state.FreeUpTo, version, now)
        : Sql.ExecAsync(tx, $"DELETE FROM {_s}.governed_fields WHERE site = $1 AND field_key = $2", ct, state.Site, $"{state.Entity}.{state.Field}");

    public void Forget() => _snapshot = null;

    public async Task<GovernedValue?> ValueAsync(NpgsqlTransaction tx, GovernableField field, string entityId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT site, governed, reported, reported_at, awaiting_change FROM {_s}.governed_values WHERE field_key = $1 AND entity_id = $2 FOR UPDATE
            """, [field.Key, entityId]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new GovernedValue(reader.GetString(0), field, entityId, reader.GetString(1), reader.GetString(2), Sql.TimeAt(reader, 3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4))
            : null;
    }

    /// <summary>
    /// Where a field stands by the graph, for an entity reported before its field was governed: what the ERP said last is the
    /// value to govern from. Null when the graph has no such entity.
    /// </summary>
    public async Task<GovernedValue?> FromGraphAsync(NpgsqlTransaction tx, GovernableField field, string entityId, CancellationToken ct)
    {
        var (table, key, column) = field.Key switch
        {
            "sales-order.promise-date" => ("sales_orders", "order_id", "promise_date"),
            "production-order.due-date" => ("production_orders", "order_id", "due"),
            "shipment.carrier" => ("shipments", "shipment_id", "carrier"),
            _ => ("shipments", "shipment_id", "planned_date"),
        };
        await using var command = Sql.Command(tx, $"SELECT site, {column}, as_of FROM {_s}.{table} WHERE {key} = $1", [entityId]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var value = field.Kind == FieldKind.Date ? GovernableField.DateValue(Sql.TimeAt(reader, 1)) : reader.GetString(1);
        return new GovernedValue(reader.GetString(0), field, entityId, value, value, Sql.TimeAt(reader, 2), null);
    }

    public Task KeepAsync(NpgsqlTransaction tx, GovernedValue value, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {_s}.governed_values (field_key, entity_id, site, governed, reported, reported_at, awaiting_change) VALUES ($1, $2, $3, $4, $5, $6, $7::uuid)
        ON CONFLICT (field_key, entity_id) DO UPDATE SET governed = EXCLUDED.governed, reported = EXCLUDED.reported,
            reported_at = EXCLUDED.reported_at, awaiting_change = EXCLUDED.awaiting_change
        """, ct, value.Field.Key, value.EntityId, value.Site, value.Governed, value.Reported, value.ReportedAt, value.AwaitingChange);

    private async Task<Snapshot> SnapshotAsync(CancellationToken ct)
    {
        if (_snapshot is { } fresh && Stopwatch.GetElapsedTime(fresh.ReadAt) < Freshness) return fresh;
        var rows = await Sql.ListAsync(store.DataSource, $"SELECT site, field_key, owner_role, subject_type, free_up_to, version, updated_at FROM {_s}.governed_fields",
            r => GovernableField.All.FirstOrDefault(f => f.Key == r.GetString(1)) is { } field
                ? new GovernedFieldEntry(r.GetString(0), field, r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetDecimal(4), r.GetInt64(5), Sql.TimeAt(r, 6))
                : null, ct);
        var fields = rows.OfType<GovernedFieldEntry>().GroupBy(e => e.Site, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<GovernedFieldEntry>)[.. g], StringComparer.Ordinal);
        var snapshot = new Snapshot(fields, Stopwatch.GetTimestamp());
        _snapshot = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, IReadOnlyList<GovernedFieldEntry>> Fields, long ReadAt);
}
