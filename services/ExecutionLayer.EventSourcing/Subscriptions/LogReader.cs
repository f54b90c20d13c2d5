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

    private readonly string _head = $"SELECT coalesce(max(position), 0) FROM {store.Schema}.events";

    public async Task<IReadOnlyList<RecordedEvent>> ReadAfterAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, LogPosition after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Position });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await store.ReadEventsAsync(command, ct);
    }

    /// <summary>The highest position drawn so far, committed or not: the lag metric's upper bound.</summary>
    public async Task<long> HeadPositionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_head, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
