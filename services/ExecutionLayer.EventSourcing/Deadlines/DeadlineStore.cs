using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.EventSourcing.Types;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing.Deadlines;

/// <summary>Schedules and cancels deadlines, inside a caller's unit of work so a timer exists exactly when the state that needs it does.</summary>
public sealed class DeadlineStore(EventStore store)
{
    public Task<Guid> ScheduleAsync(UnitOfWork uow, DateTimeOffset dueAt, string streamId, string kind, object payload, CancellationToken ct = default) =>
        ScheduleAsync(uow.Transaction, dueAt, streamId, kind, payload, ct);

    /// <summary>Schedules inside a transaction the caller already holds (a projection's, say).</summary>
    public async Task<Guid> ScheduleAsync(NpgsqlTransaction tx, DateTimeOffset dueAt, string streamId, string kind, object payload, CancellationToken ct = default)
    {
        var id = Guid.CreateVersion7(store.Clock.GetUtcNow());
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {store.Schema}.deadlines (deadline_id, stream_id, kind, payload, due_at, next_attempt_at)
            VALUES ($1, $2, $3, $4::jsonb, $5, $5)
            """, tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(payload, payload.GetType(), EventJson.Options) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = dueAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>Cancels every pending deadline of this kind on the stream (a stage decided before its SLA ran out).</summary>
    public Task<int> CancelAsync(UnitOfWork uow, string streamId, string kind, CancellationToken ct = default) =>
        CancelAsync(uow.Transaction, streamId, kind, ct);

    public async Task<int> CancelAsync(NpgsqlTransaction tx, string streamId, string kind, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE {store.Schema}.deadlines SET cancelled_at = now()
            WHERE stream_id = $1 AND kind = $2 AND fired_at IS NULL AND cancelled_at IS NULL
            """, tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<Deadline>> PendingAsync(string streamId, CancellationToken ct = default)
    {
        await using var command = store.DataSource.CreateCommand($"""
            SELECT deadline_id, stream_id, kind, payload::text, due_at, attempts FROM {store.Schema}.deadlines
            WHERE stream_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL ORDER BY due_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        var pending = new List<Deadline>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) pending.Add(Read(reader));
        return pending;
    }

    internal static Deadline Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
        JsonDocument.Parse(reader.GetString(3)).RootElement.Clone(),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(4)), reader.GetInt32(5));
}
