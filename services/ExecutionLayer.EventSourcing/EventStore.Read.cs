using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing;

public sealed partial class EventStore
{
    internal const string EventColumns =
        "position, tx_id, stream_id, stream_type, version, event_id, event_type, schema_version, data::text, " +
        "correlation_id, causation_id, actor, site, occurred_at, recorded_at, trace_parent, on_behalf_of";

    /// <summary>
    /// A stream's events in version order, optionally bounded by version or by the server's record
    /// time (what an auditor asks: "what did this look like at 13:06?").
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long fromVersion = 1, long? toVersion = null, DateTimeOffset? recordedAtOrBefore = null, CancellationToken ct = default)
    {
        ValidateStreamId(streamId);
        await using var command = DataSource.CreateCommand(
            $"SELECT {EventColumns} FROM {Schema}.events WHERE stream_id = $1 AND version >= $2 AND version <= $3 AND recorded_at <= $4 ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toVersion ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (recordedAtOrBefore ?? DateTimeOffset.MaxValue).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await ReadEventsAsync(command, ct);
    }

    /// <summary>Which of these event ids are already stored: how an idempotent intake tells a repeat from a new fact.</summary>
    public async Task<IReadOnlySet<Guid>> FindStoredEventIdsAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"SELECT event_id FROM {Schema}.events WHERE event_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var stored = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) stored.Add(reader.GetGuid(0));
        return stored;
    }

    /// <summary>Every event of one correlation (the plan-to-outcome chain within this service), in log order.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadCorrelationAsync(string correlationId, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"SELECT {EventColumns} FROM {Schema}.events WHERE correlation_id = $1 ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = correlationId });
        return await ReadEventsAsync(command, ct);
    }

    /// <param name="lazy">Deserialize payloads on first access (log subscribers) instead of at once (aggregate loads, which fold every event).</param>
    internal async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken ct, bool lazy = false)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var e = ReadEvent(reader);
            events.Add(lazy ? e.WithLazyData(_deserialize) : e.WithData(_deserialize(e)));
        }
        return events;
    }

    private object Deserialize(RecordedEvent e) => Types.Deserialize(e.EventType, e.SchemaVersion, e.Json);

    private RecordedEvent ReadEvent(NpgsqlDataReader reader)
    {
        var type = reader.GetString(6);
        var schemaVersion = reader.GetInt32(7);
        var json = reader.GetString(8);
        var occurredAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(13));
        var metadata = new EventMetadata(
            CorrelationId: reader.IsDBNull(9) ? null : reader.GetString(9),
            CausationId: reader.IsDBNull(10) ? null : reader.GetString(10),
            Actor: reader.IsDBNull(11) ? null : reader.GetString(11),
            Site: reader.IsDBNull(12) ? null : reader.GetString(12),
            OccurredAt: occurredAt,
            TraceParent: reader.IsDBNull(15) ? null : reader.GetString(15),
            OnBehalfOf: reader.IsDBNull(16) ? null : reader.GetString(16));
        return new RecordedEvent(
            Position: reader.GetInt64(0),
            TransactionId: reader.GetFieldValue<ulong>(1),
            StreamId: reader.GetString(2),
            StreamType: reader.GetString(3),
            Version: reader.GetInt64(4),
            EventId: reader.GetGuid(5),
            EventType: type,
            SchemaVersion: schemaVersion,
            Json: json,
            Metadata: metadata,
            OccurredAt: occurredAt,
            RecordedAt: new DateTimeOffset(reader.GetFieldValue<DateTime>(14)));
    }
}
