namespace ExecutionLayer.Contracts.Audit;

/// <summary>
/// The audit feed: every domain event every service stores, in one generic envelope. <see cref="SourceSequence"/>
/// is dense per source (1, 2, 3…) and stable across re-publication, so a missing number proves a loss;
/// <see cref="Payload"/> is the stored JSON, unchanged.
/// </summary>
public sealed record DomainEventRecorded(
    string Source,
    long SourceSequence,
    Guid EventId,
    long GlobalPosition,
    string StreamId,
    string StreamType,
    long StreamVersion,
    string EventType,
    int SchemaVersion,
    string Payload,
    string? CorrelationId,
    string? CausationId,
    string? Actor,
    string? Site,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt);
