using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// A fact the graph has just taken, as the rules see it: what was received, the fact read from it, and
/// the intake event it came in as, which is what every case it opens or changes was caused by.
/// </summary>
internal sealed record Observation(Guid IntakeEventId, DateTimeOffset RecordedAt, OperationalEventReceived Received, object Fact, EventMetadata Cause)
{
    public string Site => Received.Site;

    /// <summary>A case is named by the fact that opened it, so replaying the log re-finds, never re-opens, a case.</summary>
    public Guid CaseId(string? part = null) => DeterministicId.From(part is null ? $"case|{IntakeEventId}" : $"case|{IntakeEventId}|{part}");
}
