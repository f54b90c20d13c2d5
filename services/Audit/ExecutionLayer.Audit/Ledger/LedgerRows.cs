using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>A ledger row: the entry and the two hashes stored beside it.</summary>
internal sealed record LedgerRow(LedgerEntry Entry, byte[] PrevHash, byte[] Hash)
{
    /// <summary>An entry of a site the caller may not see is withheld; one of no site (a policy, say) is everyone's.</summary>
    public bool VisibleTo(Caller caller) => Entry.Site is null || caller.Sees(Entry.Site);
}

/// <summary>How ledger rows are selected and read back, in one place so every query reads them alike.</summary>
internal static class LedgerRows
{
    public const string Columns =
        "sequence, message_id, source, source_sequence, source_event_id, global_position, stream_id, stream_type, stream_version, event_type, " +
        "schema_version, subjects, correlation_id, causation_id, actor, site, occurred_at, source_recorded_at, recorded_at, payload, on_behalf_of, prev_hash, hash";

    public static readonly string Table = $"{AuditSchema.Name}.ledger";

    public static LedgerRow Read(NpgsqlDataReader r) => new(
        new LedgerEntry(
            r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetInt64(3), r.GetGuid(4), r.GetInt64(5), r.GetString(6), r.GetString(7), r.GetInt64(8),
            r.GetString(9), r.GetInt32(10), r.GetFieldValue<string[]>(11), Nullable(r, 12), Nullable(r, 13), Nullable(r, 14), Nullable(r, 15),
            Sql.TimeAt(r, 16), Sql.TimeAt(r, 17), Sql.TimeAt(r, 18), r.GetString(19), Nullable(r, 20)),
        r.GetFieldValue<byte[]>(21), r.GetFieldValue<byte[]>(22));

    public static Task<List<LedgerRow>> QueryAsync(NpgsqlDataSource db, string where, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        Sql.ListAsync(db, $"SELECT {Columns} FROM {Table} {where}", Read, ct, parameters);

    /// <summary>Rows one at a time, for scans too long to hold (verification, export, NDJSON).</summary>
    public static async IAsyncEnumerable<LedgerRow> StreamAsync(
        NpgsqlDataSource db, string where, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM {Table} {where}", connection);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return Read(reader);
    }

    private static string? Nullable(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
