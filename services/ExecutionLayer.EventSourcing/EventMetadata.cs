namespace ExecutionLayer.EventSourcing;

/// <summary>
/// Who and what caused an append. <see cref="OccurredAt"/> is when it happened at the source (an MES
/// timestamp, say); the server records its own time separately.
/// </summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? Site = null,
    DateTimeOffset? OccurredAt = null)
{
    public static EventMetadata None { get; } = new();
}
