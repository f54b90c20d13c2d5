namespace ExecutionLayer.Contracts.Audit;

/// <summary>
/// The audit feed: every domain event every service stores, in one generic envelope. <see cref="SourceSequence"/>
/// is dense per source (1, 2, 3…) and stable across re-publication, so a missing number proves a loss;
/// <see cref="Payload"/> is the stored JSON, unchanged. <see cref="Actor"/> is who sent the request (or the
/// service, for its own timers and messages); <see cref="OnBehalfOf"/> the person a client acted for.
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
    DateTimeOffset RecordedAt,
    string? OnBehalfOf = null);
