using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Audit.Signing;

/// <summary>Signs the ledger's head and reads the signed checkpoints back.</summary>
internal sealed class Checkpoints(NpgsqlDataSource db, SigningKeys keys, TimeProvider clock)
{
    private static readonly string Table = $"{AuditSchema.Name}.checkpoints";

    /// <summary>Signs the current head unless a checkpoint already covers it; returns the checkpoint that does (null on an empty ledger).</summary>
    public async Task<SignedCheckpoint?> SignHeadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (head, hash) = await LedgerAppender.HeadAsync(tx, ct);
        if (head == 0) return null;
        var latest = await LatestAsync(ct);
        if (latest is not null && latest.Sequence >= head) return latest;

        var checkpoint = SignedCheckpoint.Sign(head, hash, CanonicalJson.ToMicroseconds(clock.GetUtcNow()), keys.Current);
        // Several instances may sign the same head; the first one stands.
        await Sql.ExecAsync(tx, $"INSERT INTO {Table} (sequence, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sequence) DO NOTHING",
            ct, checkpoint.Sequence, checkpoint.Hash, checkpoint.SignedAt, checkpoint.KeyId, checkpoint.Signature);
        await tx.CommitAsync(ct);
        return checkpoint;
    }

    public async Task<SignedCheckpoint?> LatestAsync(CancellationToken ct) =>
        (await ReadAsync("ORDER BY sequence DESC LIMIT 1", ct)).SingleOrDefault();

    /// <summary>Checkpoints with from ≤ sequence (≤ to, when given), ascending.</summary>
    public Task<List<SignedCheckpoint>> RangeAsync(long from, long? to, CancellationToken ct) =>
        ReadAsync("WHERE sequence >= $1 AND ($2::bigint IS NULL OR sequence <= $2) ORDER BY sequence", ct,
            new NpgsqlParameter { Value = from }, new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });

    /// <summary>The first checkpoint at or after <paramref name="sequence"/>.</summary>
    public async Task<SignedCheckpoint?> CoveringAsync(long sequence, CancellationToken ct) =>
        (await ReadAsync("WHERE sequence >= $1 ORDER BY sequence LIMIT 1", ct, new NpgsqlParameter { Value = sequence })).SingleOrDefault();

    private Task<List<SignedCheckpoint>> ReadAsync(string clause, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        Sql.ListAsync(db, $"SELECT sequence, hash, signed_at, key_id, signature FROM {Table} {clause}",
            r => new SignedCheckpoint(r.GetInt64(0), r.GetFieldValue<byte[]>(1), Sql.TimeAt(r, 2), r.GetString(3), r.GetFieldValue<byte[]>(4)), ct, parameters);
}
