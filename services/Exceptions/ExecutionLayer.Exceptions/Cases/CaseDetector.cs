using System.Diagnostics.Metrics;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;
using Npgsql;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// The detection rules: a work center going down opens a case; a quality hold blocks every order and
/// shipment downstream of the lot and opens a case; facts that change what an open case touches
/// re-assess it. Case ids derive from the triggering event, so replaying the log re-finds, never
/// re-opens, a case.
/// </summary>
internal sealed class CaseDetector(EventStore store, RoutingTable routing)
{
    private static readonly Meter Meter = new("ExecutionLayer.Exceptions");
    private static readonly Histogram<double> HoldPropagation = Meter.CreateHistogram<double>(
        "el.exceptions.hold_propagation", "ms", "From a quality hold's intake to every descendant order and shipment blocked");

    private readonly string _s = store.Schema.Value;
    private readonly ImpactQueries _impact = new(store.Schema.Value);
    private readonly CaseWriter _cases = new(store);

    public async Task DetectAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, object fact, CancellationToken ct)
    {
        var metadata = new EventMetadata(CausationId: intake.EventId.ToString(), Actor: "exceptions:detector", Site: received.Site);
        switch (fact)
        {
            case MachineStateChanged { State: MachineState.Down } down:
                await OpenMachineDownAsync(tx, intake, received, down, metadata, ct);
                break;
            case QualityHoldRaised hold:
                await HoldAsync(tx, intake, received, hold, metadata, ct);
                break;
            case QualityHoldReleased release:
                await ReleaseAsync(tx, received, release, metadata, ct);
                break;
            case SupplierDeliveryDelayed delay:
                await OpenShortageAsync(tx, intake, received, delay.PurchaseOrderId, metadata, ct);
                break;
            case PurchaseOrderPlaced placed:
                await OpenShortageAsync(tx, intake, received, placed.PurchaseOrderId, metadata, ct);
                break;
            case MachineStateChanged or SalesOrderConfirmed or ProductionOrderReleased or ShipmentPlanned or ShipmentDispatched or LotProduced or LotConsumed
                or MaterialRequirement or MaterialReceived:
                await ReassessSiteAsync(tx, received.Site, metadata, ct);
                break;
        }
    }

    private async Task OpenMachineDownAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, MachineStateChanged down, EventMetadata metadata, CancellationToken ct)
    {
        var key = $"{received.Site}/{down.WorkCenter}";
        if (!await StillDownAsync(tx, key, ct)) return; // a late "down" older than the work center's current state
        if (await _cases.OpenCaseAsync(tx, CaseKind.MachineDown, key, ct) is not null)
        {
            await ReassessSiteAsync(tx, received.Site, metadata, ct);
            return;
        }
        var caseId = DeterministicId.From($"case|{intake.EventId}");
        if (await _cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        var impact = await _impact.OfWorkCenterAsync(tx, received.Site, down.WorkCenter, ct);
        var summary = $"{down.WorkCenter} down{(down.Reason is null ? "" : $" ({down.Reason})")}";
        await _cases.DecideAsync(tx, caseId, metadata with { CorrelationId = CorrelationOf(caseId) }, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.MachineDown, received.Site, key, received.Subject, summary, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    /// <summary>A supplier ETA later than an open order's need date: a shortage (one open case per purchase order).</summary>
    private async Task OpenShortageAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, string purchaseOrderId, EventMetadata metadata, CancellationToken ct)
    {
        if (await _cases.OpenCaseAsync(tx, CaseKind.Shortage, purchaseOrderId, ct) is not null)
        {
            await ReassessSiteAsync(tx, received.Site, metadata, ct);
            return;
        }
        var impact = await _impact.OfLateSupplyAsync(tx, purchaseOrderId, ct);
        if (impact.ProductionOrders.Count == 0) return;
        var caseId = DeterministicId.From($"case|{intake.EventId}");
        if (await _cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        await _cases.DecideAsync(tx, caseId, metadata with { CorrelationId = CorrelationOf(caseId) }, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.Shortage, received.Site, purchaseOrderId, received.Subject,
                $"Supply of {purchaseOrderId} arrives after {impact.ProductionOrders.Count} order(s) need it", now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    private async Task HoldAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, QualityHoldRaised hold, EventMetadata metadata, CancellationToken ct)
    {
        var caseId = DeterministicId.From($"case|{intake.EventId}");
        if (await _cases.ExistsAsync(tx, caseId, ct)) return;

        var lots = await _impact.LotTreeAsync(tx, hold.LotId, ct);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.lots SET hold_id = $2 WHERE lot_id = ANY($1)", ct, lots, hold.HoldId);
        var blockedOrders = await Sql.StringsAsync(tx, $"""
            UPDATE {_s}.production_orders SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND order_id IN (SELECT production_order_id FROM {_s}.order_lots WHERE lot_id = ANY($1))
            RETURNING order_id
            """, ct, lots, hold.HoldId);
        var blockedShipments = await Sql.StringsAsync(tx, $"""
            UPDATE {_s}.shipments SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND status <> 'dispatched' AND shipment_id IN (SELECT shipment_id FROM {_s}.shipment_lots WHERE lot_id = ANY($1))
            RETURNING shipment_id
            """, ct, lots, hold.HoldId);
        var now = store.Clock.GetUtcNow();
        HoldPropagation.Record((DateTimeOffset.UtcNow - intake.RecordedAt).TotalMilliseconds);

        var impact = await _impact.OfLotTreeAsync(tx, lots, ct);
        await _cases.DecideAsync(tx, caseId, metadata with { CorrelationId = CorrelationOf(caseId) }, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.QualityHold, received.Site, hold.HoldId, received.Subject, $"Quality hold {hold.HoldId} on lot {hold.LotId}: {hold.Reason}", now),
            s => CaseDecisions.RecordHold(s, hold.HoldId, hold.LotId, lots, [.. blockedOrders.Order()], [.. blockedShipments.Order()], received.OccurredAt, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    private async Task ReleaseAsync(NpgsqlTransaction tx, OperationalEventReceived received, QualityHoldReleased release, EventMetadata metadata, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {_s}.production_orders SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, release.HoldId);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.shipments SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, release.HoldId);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.lots SET hold_id = NULL WHERE hold_id = $1", ct, release.HoldId);
        if (await _cases.OpenCaseAsync(tx, CaseKind.QualityHold, release.HoldId, ct) is { } caseId)
        {
            var now = store.Clock.GetUtcNow();
            await _cases.DecideAsync(tx, caseId, metadata with { CorrelationId = CorrelationOf(caseId) }, ct, s => CaseDecisions.Assess(s, Impact.None, now));
        }
    }

    /// <summary>A new fact at a site may change what its open cases touch: re-assess each, recording only real changes.</summary>
    private async Task ReassessSiteAsync(NpgsqlTransaction tx, string site, EventMetadata metadata, CancellationToken ct)
    {
        foreach (var (caseId, kind, key) in await _cases.OpenCasesAtAsync(tx, site, ct))
        {
            var impact = kind switch
            {
                CaseKind.MachineDown when await StillDownAsync(tx, key, ct) => await _impact.OfWorkCenterAsync(tx, site, key[(key.IndexOf('/') + 1)..], ct),
                CaseKind.MachineDown => Impact.None,
                CaseKind.Shortage => await _impact.OfLateSupplyAsync(tx, key, ct),
                _ => await _impact.OfLotTreeAsync(tx, await Sql.StringsAsync(tx, $"SELECT lot_id FROM {_s}.lots WHERE hold_id = $1 ORDER BY lot_id", ct, key), ct),
            };
            var now = store.Clock.GetUtcNow();
            await _cases.DecideAsync(tx, caseId, metadata with { CorrelationId = CorrelationOf(caseId) }, ct,
                s => CaseDecisions.Assess(s, impact, now),
                s => impact.ProductionOrders.Count == 0 && impact.Lots.Count == 0 ? [] : CaseDecisions.Route(s, routing, now));
        }
    }

    private async Task<bool> StillDownAsync(NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var state = await Sql.StringsAsync(tx, $"SELECT state FROM {_s}.work_centers WHERE site = $1 AND work_center = $2", ct, key[..slash], key[(slash + 1)..]);
        return state is [nameof(MachineState.Down)];
    }

    /// <summary>A case's events, and everything done about it elsewhere, share one correlation id: the case.</summary>
    public static string CorrelationOf(Guid caseId) => $"case-{caseId}";
}
