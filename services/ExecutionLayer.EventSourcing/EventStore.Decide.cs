using ExecutionLayer.EventSourcing.Decisions;

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
}
