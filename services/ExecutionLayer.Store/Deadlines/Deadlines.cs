using System.Text.Json;
using Marten;
using Npgsql;

namespace ExecutionLayer.Store.Deadlines;

/// <summary>
/// Schedules and cancels deadlines in a caller's session, so they are written by the same SaveChanges, in the
/// same transaction, as the events that make them needed: a timer exists exactly when the state that needs it does.
/// </summary>
public sealed class Deadlines(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    private readonly string _table = $"{store.Options.DatabaseSchemaName}.{DeadlinesTable.Name}";

    public Guid Schedule(IDocumentSession session, DateTimeOffset dueAt, string streamId, string kind, object payload)
    {
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var due = dueAt.ToUniversalTime();
        session.QueueSqlCommand(
            $"INSERT INTO {_table} (deadline_id, stream_id, kind, payload, due_at, next_attempt_at) VALUES (?, ?, ?, ?::jsonb, ?, ?)",
            id, streamId, kind, store.Options.Serializer().ToJson(payload), due, due);
        return id;
    }

    /// <summary>Cancels every pending deadline of this kind on the stream (a stage decided before its SLA ran out).</summary>
    public void Cancel(IDocumentSession session, string streamId, string kind) =>
        session.QueueSqlCommand(
            $"UPDATE {_table} SET cancelled_at = now() WHERE stream_id = ? AND kind = ? AND fired_at IS NULL AND cancelled_at IS NULL",
            streamId, kind);

    public async Task<IReadOnlyList<Deadline>> PendingAsync(string streamId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT deadline_id, stream_id, kind, payload::text, due_at, attempts FROM {_table}
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
