namespace ExecutionLayer.EventSourcing;

/// <summary>An event as stored: its place in the log and stream, its payload (upcast to the current schema) and metadata.</summary>
public sealed record RecordedEvent(
    long Position,
    ulong TransactionId,
    string StreamId,
    string StreamType,
    long Version,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    object Data,
    string Json,
    EventMetadata Metadata,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt);
