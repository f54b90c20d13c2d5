using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Intake;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// The detection rules, run on each fact right after the graph took it: a work center going down, a
/// quality hold, a supply arriving after an order needs it, a promise date that no longer holds — and
/// then the re-assessment of the open cases the fact touches.
/// </summary>
internal sealed class CaseDetector(ExceptionsOptions options, MachineDownRule machineDown, QualityHoldRule holds, ShortageRule shortage,
    PromiseAtRiskRule promises, Reassessment reassessment)
{
    public async Task DetectAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, object fact, CancellationToken ct)
    {
        var seen = new Observation(intake.EventId, intake.RecordedAt, received, fact,
            new EventMetadata(CausationId: intake.EventId.ToString(), Actor: "exceptions:detector", Site: received.Site, TraceParent: intake.Metadata.TraceParent));
        var rules = options.DetectionFor(received.Site);
        switch (fact)
        {
            case MachineStateChanged change:
                await machineDown.ObserveAsync(tx, seen, change, ct);
                break;
            case QualityHoldRaised hold:
                await holds.RaisedAsync(tx, seen, hold, ct);
                break;
            case QualityHoldReleased release:
                await holds.ReleasedAsync(tx, release, ct);
                break;
            case SupplierDeliveryDelayed delay when rules.Shortages:
                await shortage.ObserveAsync(tx, seen, delay.PurchaseOrderId, ct);
                break;
            case PurchaseOrderPlaced placed when rules.Shortages:
                await shortage.ObserveAsync(tx, seen, placed.PurchaseOrderId, ct);
                break;
        }
        if (rules.PromiseDates) await promises.ObserveAsync(tx, seen, ct);
        await reassessment.ObserveAsync(tx, seen, ct);
    }
}
