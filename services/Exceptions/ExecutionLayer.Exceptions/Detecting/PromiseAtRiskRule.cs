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

    /// <summary>
    /// Opens a case for each sales order a run of facts pushes past its promise date, judged once on the graph the whole run left;
    /// the case is caused by the last fact of the run that named it.
    /// </summary>
    public async Task ObserveAsync(StoreTransaction tx, IReadOnlyList<Observation> run, CancellationToken ct)
    {
        var behind = new PromisesBehind();
        var facts = new List<Observation>();
        foreach (var seen in run)
        {
            var detection = options.DetectionFor(seen.Site);
            if (!detection.PromiseDates || !CanMove(seen.Fact)) continue;
            var fact = behind.Fact(seen.Received.OccurredAt, detection.AssumedRepairTime);
            facts.Add(seen);
            switch (seen.Fact)
            {
                case SalesOrderConfirmed f: behind.SalesOrder(f.OrderId, fact); break;
                case ProductionOrderReleased { SalesOrderId: { } so }: behind.SalesOrder(so, fact); break;
                case MaterialRequirement f: behind.ProductionOrder(f.ProductionOrderId, fact); break;
                case MachineStateChanged f: behind.WorkCenter(seen.Site, f.WorkCenter, fact); break;
                case PurchaseOrderPlaced f: behind.SupplyOf(f.PurchaseOrderId, fact); break;
                case SupplierDeliveryDelayed f: behind.SupplyOf(f.PurchaseOrderId, fact); break;
            }
        }
        foreach (var promise in await _impact.PromisesAsync(tx.Transaction, behind, ct))
        {
            if (!promise.AtRisk || await cases.OpenCaseAsync(tx, CaseKind.PromiseAtRisk, promise.SalesOrderId, ct) is not null) continue;
            var seen = facts[promise.Fact];
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
        var behind = new PromisesBehind();
        behind.SalesOrder(salesOrderId, behind.Fact(at, options.DetectionFor(site).AssumedRepairTime));
        var promise = await _impact.PromisesAsync(tx.Transaction, behind, ct);
        return promise is [{ AtRisk: true }] ? new Picture(await _impact.OfSalesOrderAsync(tx.Transaction, salesOrderId, ct)) : Picture.ClearedBecause("promise date reachable again");
    }
}
