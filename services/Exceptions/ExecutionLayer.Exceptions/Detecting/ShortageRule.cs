using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>A supplier ETA later than an open order's need date is a shortage: one open case per purchase order.</summary>
internal sealed class ShortageRule(ServiceStore store, CaseWriter cases, RoutingTable routing)
{
    private readonly ImpactQueries _impact = new(store.Schema);

    public async Task ObserveAsync(StoreTransaction tx, Observation seen, string purchaseOrderId, CancellationToken ct)
    {
        if (await cases.OpenCaseAsync(tx, CaseKind.Shortage, purchaseOrderId, ct) is not null) return;
        var impact = await _impact.OfLateSupplyAsync(tx.Transaction, purchaseOrderId, ct);
        if (impact.ProductionOrders.Count == 0) return;
        var caseId = seen.CaseId();
        if (await cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        await cases.DecideAsync(tx, caseId, seen.Cause, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.Shortage, seen.Site, purchaseOrderId, seen.Received.Subject,
                $"Supply of {purchaseOrderId} arrives after {impact.ProductionOrders.Count} order(s) need it", now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    /// <summary>The orders the late supply still fails; cleared once it arrives in time for all of them.</summary>
    public async Task<Picture> PictureAsync(StoreTransaction tx, string purchaseOrderId, CancellationToken ct)
    {
        var late = await _impact.OfLateSupplyAsync(tx.Transaction, purchaseOrderId, ct);
        return late.ProductionOrders.Count > 0 ? new Picture(late) : Picture.ClearedBecause("supply arrives in time");
    }
}
