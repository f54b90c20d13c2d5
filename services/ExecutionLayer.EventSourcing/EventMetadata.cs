namespace ExecutionLayer.EventSourcing;

/// <summary>
/// Who and what caused an append. <see cref="Actor"/> is who sent it (the signed caller, or the service
/// itself for timers and messages); <see cref="OnBehalfOf"/> the person a client acted for, when one did. <see cref="OccurredAt"/> is when it happened at the source (an MES
/// timestamp, say); the server records its own time separately. <see cref="TraceParent"/> is the W3C
/// trace the append happened in, kept so the outbox can continue that trace when it publishes later.
/// </summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? Site = null,
    DateTimeOffset? OccurredAt = null,
    string? TraceParent = null,
    string? OnBehalfOf = null)
{
    public static EventMetadata None { get; } = new();

    /// <summary>What a request's appends record: the signed caller, and the person it acts for.</summary>
    public static EventMetadata Of(ServiceDefaults.Identity.Caller caller, string? causationId, string? site = null) =>
        new(CausationId: causationId, Actor: caller.Actor, Site: site, OnBehalfOf: caller.OnBehalfOf);
}
