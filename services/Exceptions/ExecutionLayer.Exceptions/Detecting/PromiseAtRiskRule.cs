using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// A sales order whose projected ready time — its production orders' due dates, pushed out by a stopped
/// work center or a supply arriving after it is needed — falls after its promise date: one open case per sales order.
/// </summary>
internal sealed class PromiseAtRiskRule(ServiceStore store, CaseWriter cases, RoutingTable routing, ExceptionsOptions options)
{
    private readonly ImpactQueries _impact = new(store.Schema);

    /// <summary>Whether this kind of fact can move a promise date's projected ready time (the facts <see cref="ObserveAsync"/> looks into).</summary>
    public static bool CanMove(object fact) =>
        fact is SalesOrderConfirmed or ProductionOrderReleased { SalesOrderId: not null } or MaterialRequirement or MachineStateChanged
            or PurchaseOrderPlaced or SupplierDeliveryDelayed;

    /// <summary>Opens a case for each sales order this fact pushes past its promise date.</summary>
    public async Task ObserveAsync(StoreTransaction tx, Observation seen, CancellationToken ct)
    {
        PromisesBehind? behind = seen.Fact switch
        {
            SalesOrderConfirmed f => PromisesBehind.SalesOrders([f.OrderId]),
            ProductionOrderReleased { SalesOrderId: { } so } => PromisesBehind.SalesOrders([so]),
            MaterialRequirement f => PromisesBehind.ProductionOrders([f.ProductionOrderId]),
            MachineStateChanged f => PromisesBehind.WorkCenter(seen.Site, f.WorkCenter),
            PurchaseOrderPlaced f => PromisesBehind.SupplyOf(f.PurchaseOrderId),
            SupplierDeliveryDelayed f => PromisesBehind.SupplyOf(f.PurchaseOrderId),
            _ => null,
        };
        if (behind is null) return;
        var repairTime = options.DetectionFor(seen.Site).AssumedRepairTime;
        foreach (var promise in await _impact.PromisesAsync(tx.Transaction, behind, seen.Received.OccurredAt, repairTime, ct))
        {
            if (!promise.AtRisk || await cases.OpenCaseAsync(tx, CaseKind.PromiseAtRisk, promise.SalesOrderId, ct) is not null) continue;
            var caseId = seen.CaseId(promise.SalesOrderId);
            if (await cases.ExistsAsync(tx, caseId, ct)) continue;
            var impact = await _impact.OfSalesOrderAsync(tx.Transaction, promise.SalesOrderId, ct);
            var now = store.Clock.GetUtcNow();
            await cases.DecideAsync(tx, caseId, seen.Cause, ct,
                s => CaseDecisions.Open(s, caseId, CaseKind.PromiseAtRisk, seen.Site, promise.SalesOrderId, $"sales-order/{promise.SalesOrderId}",
                    $"{promise.SalesOrderId} projected ready {promise.ProjectedReady:yyyy-MM-dd HH:mm}Z, promised {promise.PromiseDate:yyyy-MM-dd HH:mm}Z", now),
                s => CaseDecisions.Assess(s, impact, now),
                s => CaseDecisions.Route(s, routing, now));
        }
    }

    /// <summary>What the late sales order touches now; cleared once its promise date is reachable again.</summary>
    public async Task<Picture> PictureAsync(StoreTransaction tx, string site, string salesOrderId, DateTimeOffset at, CancellationToken ct)
    {
        var promise = await _impact.PromisesAsync(tx.Transaction, PromisesBehind.SalesOrders([salesOrderId]), at, options.DetectionFor(site).AssumedRepairTime, ct);
        return promise is [{ AtRisk: true }] ? new Picture(await _impact.OfSalesOrderAsync(tx.Transaction, salesOrderId, ct)) : Picture.ClearedBecause("promise date reachable again");
    }
}
