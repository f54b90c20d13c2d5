namespace ExecutionLayer.EventSourcing;

/// <summary>
/// Who and what caused an append. <see cref="OccurredAt"/> is when it happened at the source (an MES
/// timestamp, say); the server records its own time separately. <see cref="TraceParent"/> is the W3C
/// trace the append happened in, kept so the outbox can continue that trace when it publishes later.
/// </summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? Site = null,
    DateTimeOffset? OccurredAt = null,
    string? TraceParent = null)
{
    public static EventMetadata None { get; } = new();
}
