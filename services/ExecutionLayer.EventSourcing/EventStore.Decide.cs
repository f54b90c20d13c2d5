using ExecutionLayer.Store.Decisions;
using Npgsql;

namespace ExecutionLayer.EventSourcing;

public sealed partial class EventStore
{
    /// <summary>
    /// The one write path for commands: load, check the caller's expected version (from If-Match or
    /// the command), decide, append with the version the decision was taken on. A writer that raced
    /// us loses with a <see cref="ConcurrencyException"/> — never last-write-wins.
    /// </summary>
    public async Task<AppendResult> DecideAsync<T>(
        string streamId, ExpectedVersion expected, Func<T, IReadOnlyList<object>> decide, EventMetadata metadata, CancellationToken ct = default)
        where T : IAggregate<T>
    {
        var loaded = await LoadAsync<T>(streamId, ct);
        if (!expected.IsAny && loaded.Version != expected.Value)
            throw new ConcurrencyException(streamId, expected, loaded.Exists ? loaded.Version : null);

        var events = decide(loaded.State);
        if (events.Count == 0)
            return new AppendResult(streamId, loaded.Version, []);
        var onVersion = loaded.Exists ? ExpectedVersion.Exactly(loaded.Version) : ExpectedVersion.NoStream;
        return await AppendAsync(streamId, T.StreamType, onVersion, NewEvents.Of(events), metadata, ct);
    }

    /// <summary>
    /// The same write inside a caller's transaction, for writes that must commit with other rows (an
    /// index, a timer, an inbox mark). A transaction-scoped lock on the stream makes concurrent writers
    /// take turns, so each decides on the state the previous one left instead of failing on a conflict.
    /// </summary>
    /// <param name="metadata">Given the state after the decision, so events can carry its site or correlation.</param>
    public Task<Decided<T>> DecideAsync<T>(
        NpgsqlTransaction tx, string streamId, Func<T, IReadOnlyList<object>> decide, Func<T, EventMetadata> metadata, CancellationToken ct = default)
        where T : IAggregate<T> =>
        DecideAsync(tx, streamId, ExpectedVersion.Any, decide, metadata, ct);

    /// <param name="expected">The version the caller decided on (If-Match); checked under the lock, so a stale command conflicts instead of overwriting.</param>
    public async Task<Decided<T>> DecideAsync<T>(
        NpgsqlTransaction tx, string streamId, ExpectedVersion expected, Func<T, IReadOnlyList<object>> decide, Func<T, EventMetadata> metadata,
        CancellationToken ct = default)
        where T : IAggregate<T>
    {
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", tx.Connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            await command.ExecuteNonQueryAsync(ct);
        }
        var loaded = await LoadAsync<T>(tx, streamId, ct);
        if (!expected.IsAny && loaded.Version != expected.Value)
            throw new ConcurrencyException(streamId, expected, loaded.Exists ? loaded.Version : null);
        var events = decide(loaded.State);
        if (events.Count == 0) return new Decided<T>(loaded.State, loaded.Version, []);

        var state = events.Aggregate(loaded.State, (s, e) => s.Evolve(e));
        var onVersion = loaded.Exists ? ExpectedVersion.Exactly(loaded.Version) : ExpectedVersion.NoStream;
        await AppendAsync(tx, streamId, T.StreamType, onVersion, NewEvents.Of(events), metadata(state), ct);
        return new Decided<T>(state, loaded.Version + events.Count, events);
    }
}

/// <summary>An aggregate after a write, at its version, with what the write added (nothing: the command changed nothing).</summary>
public sealed record Decided<T>(T State, long Version, IReadOnlyList<object> Events);
