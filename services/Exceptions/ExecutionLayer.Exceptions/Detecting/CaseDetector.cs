using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// The detection rules, run on each fact right after the graph took it: a work center going down, a
/// quality hold, a supply arriving after an order needs it, a promise date that no longer holds — and
/// then the re-assessment of the open cases the fact touches.
/// </summary>
internal sealed class CaseDetector(ExceptionsOptions options, MachineDownRule machineDown, QualityHoldRule holds, ShortageRule shortage,
    PromiseAtRiskRule promises, Reassessment reassessment)
{
    public async Task DetectAsync(StoreTransaction tx, Observation seen, CancellationToken ct)
    {
        var rules = options.DetectionFor(seen.Site);
        switch (seen.Fact)
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
