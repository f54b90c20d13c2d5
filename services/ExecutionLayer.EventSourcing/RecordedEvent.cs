namespace ExecutionLayer.EventSourcing;

/// <summary>An event as stored: its place in the log and stream, its stored JSON and metadata.</summary>
public sealed record RecordedEvent(
    long Position,
    ulong TransactionId,
    string StreamId,
    string StreamType,
    long Version,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    string Json,
    EventMetadata Metadata,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt)
{
    private Func<RecordedEvent, object>? _deserialize;
    private object? _data;

    /// <summary>
    /// The payload as its registered .NET type, upcast to the current schema. Events read from the log
    /// are deserialized on first access, so a subscriber that only forwards <see cref="Json"/> (the
    /// outbox's audit feed) or skips most types never pays for the rest.
    /// </summary>
    public object Data => _data ??= _deserialize!(this);

    /// <summary>Attaches the payload object: the store does so on append; mapper and projection tests do for events built in memory.</summary>
    public RecordedEvent WithData(object data)
    {
        _data = data;
        return this;
    }

    internal RecordedEvent WithLazyData(Func<RecordedEvent, object> deserialize)
    {
        _deserialize = deserialize;
        return this;
    }
}
