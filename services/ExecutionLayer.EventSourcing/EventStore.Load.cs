using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.EventSourcing.Types;
using Npgsql;

namespace ExecutionLayer.EventSourcing;

public sealed partial class EventStore
{
    /// <summary>Folds Evolve over the stream, from the latest snapshot when there is one.</summary>
    public async Task<Loaded<T>> LoadAsync<T>(string streamId, CancellationToken ct = default) where T : IAggregate<T>
    {
        var snapshot = await ReadSnapshotAsync<T>(streamId, ct);
        var start = snapshot ?? new Loaded<T>(T.Initial, 0);
        var events = await ReadStreamAsync(streamId, fromVersion: start.Version + 1, ct: ct);
        return Fold(start, events);
    }

    /// <summary>Loads through a caller's transaction, so events it appended and has not yet committed count too.</summary>
    public async Task<Loaded<T>> LoadAsync<T>(NpgsqlTransaction tx, string streamId, CancellationToken ct = default) where T : IAggregate<T>
    {
        ValidateStreamId(streamId);
        await using var command = new NpgsqlCommand($"SELECT {EventColumns} FROM {Schema}.events WHERE stream_id = $1 ORDER BY version", tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        return Fold(new Loaded<T>(T.Initial, 0), await ReadEventsAsync(command, ct));
    }

    /// <summary>The state as it was at a version, or as it was recorded at a time (whichever is given; both bound the fold).</summary>
    public async Task<Loaded<T>> LoadAsOfAsync<T>(string streamId, long? version = null, DateTimeOffset? recordedAt = null, CancellationToken ct = default)
        where T : IAggregate<T>
    {
        var events = await ReadStreamAsync(streamId, toVersion: version, recordedAtOrBefore: recordedAt, ct: ct);
        return Fold(new Loaded<T>(T.Initial, 0), events);
    }

    /// <summary>Stores the state so later loads fold only newer events. Worth it for long streams only.</summary>
    public async Task SaveSnapshotAsync<T>(string streamId, Loaded<T> loaded, CancellationToken ct = default) where T : IAggregate<T>
    {
        await using var command = DataSource.CreateCommand($"""
            INSERT INTO {Schema}.snapshots (stream_id, version, state_type, state) VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, state_type = EXCLUDED.state_type,
                state = EXCLUDED.state, created_at = now()
            WHERE {Schema}.snapshots.version < EXCLUDED.version
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = loaded.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SnapshotType<T>() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(loaded.State, EventJson.Options) });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static Loaded<T> Fold<T>(Loaded<T> start, IReadOnlyList<RecordedEvent> events) where T : IAggregate<T>
    {
        var state = start.State;
        foreach (var e in events)
            state = state.Evolve(e.Data);
        return new Loaded<T>(state, events.Count == 0 ? start.Version : events[^1].Version);
    }

    private async Task<Loaded<T>?> ReadSnapshotAsync<T>(string streamId, CancellationToken ct) where T : IAggregate<T>
    {
        await using var command = DataSource.CreateCommand($"SELECT version, state::text FROM {Schema}.snapshots WHERE stream_id = $1 AND state_type = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SnapshotType<T>() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var state = JsonSerializer.Deserialize<T>(reader.GetString(1), EventJson.Options);
        return state is null ? null : new Loaded<T>(state, reader.GetInt64(0));
    }

    /// <summary>A snapshot is only valid for the state shape that wrote it; a changed record type simply ignores old ones.</summary>
    private static string SnapshotType<T>() where T : IAggregate<T> => $"{T.StreamType}:{typeof(T).Name}";
}
