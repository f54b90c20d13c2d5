using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing.Subscriptions;

/// <summary>
/// Reads the global log past a checkpoint without ever skipping an event. Positions are drawn before
/// commit, so a later position can commit first; reading only transactions older than the oldest
/// one still running (the snapshot's xmin) guarantees nothing can still appear behind us. A rolled-back
/// transaction leaves a hole in positions and no rows, and never blocks. A transaction left open
/// pauses readers until it ends (idle_in_transaction_session_timeout bounds that).
/// </summary>
internal sealed class LogReader(EventStore store)
{
    private readonly string _sql = $"""
        SELECT {EventStore.EventColumns} FROM {store.Schema}.events
        WHERE (tx_id, position) > ($1, $2) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, position
        LIMIT $3
        """;

    // Bounded so a huge backlog costs an index scan of at most LagCountLimit entries.
    private readonly string _behind = $"""
        SELECT count(*) FROM (
            SELECT 1 FROM {store.Schema}.events WHERE (tx_id, position) > ($1, $2) LIMIT {LagCountLimit}) behind
        """;

    public const int LagCountLimit = 100_000;

    public async Task<IReadOnlyList<RecordedEvent>> ReadAfterAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, LogPosition after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await store.ReadEventsAsync(command, ct, lazy: true);
    }

    /// <summary>
    /// Committed events past the checkpoint that the reader may not yet take (held behind an older open
    /// transaction): the subscription's lag when it has nothing to read.
    /// </summary>
    public async Task<long> CountBehindAsync(NpgsqlConnection connection, LogPosition after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_behind, connection);
        command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
