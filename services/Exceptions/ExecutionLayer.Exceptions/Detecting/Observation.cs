using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// A fact the graph has just taken, as the rules see it: what was received, the fact read from it, and
/// the intake event it came in as, which is what every case it opens or changes was caused by.
/// </summary>
/// <param name="ReceivedAt">When the intake took its post (wall time): hold propagation is measured from here.</param>
/// <param name="TraceParent">The trace of the request that posted it, which need not be the one writing its group.</param>
internal sealed record Observation(Guid IntakeEventId, DateTimeOffset ReceivedAt, OperationalEventReceived Received, object Fact, string? TraceParent)
{
    /// <summary>What the cases this fact opens or changes record as their cause, in the trace of the request that posted it.</summary>
    public Provenance Cause => new(CausationId: IntakeEventId.ToString(), Actor: "exceptions:detector", Site: Received.Site, TraceParent: TraceParent);

    public string Site => Received.Site;

    /// <summary>A case is named by the fact that opened it, so replaying the log re-finds, never re-opens, a case.</summary>
    public Guid CaseId(string? part = null) => DeterministicId.From(part is null ? $"case|{IntakeEventId}" : $"case|{IntakeEventId}|{part}");
}
