using System.Diagnostics.Metrics;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// The detection rules, run on each fact right after the graph took it: a work center going down (at
/// once, or after a delay per reason code), a quality hold (which blocks everything downstream), a
/// supply arriving after an order needs it, a promise date that no longer holds. Facts that change what
/// an open case touches re-assess it; a cleared deviation resolves it. Case ids derive from the
/// triggering event, so replaying the log re-finds, never re-opens, a case.
/// </summary>
public sealed class CaseDetector(EventStore store, CaseWriter cases, RoutingTable routing, ExceptionsOptions options, DeadlineStore deadlines)
{
    public const string MachineDownDeadline = "machine-down-confirm";

    private static readonly Meter Meter = new("ExecutionLayer.Exceptions");
    private static readonly Histogram<double> HoldPropagation = Meter.CreateHistogram<double>(
        "el.exceptions.hold_propagation", "ms", "From a quality hold's intake to every descendant order and shipment blocked");

    private readonly string _s = store.Schema.Value;
    private readonly ImpactQueries _impact = new(store.Schema.Value);
    private readonly CaseWatch _watch = new(store.Schema.Value);

    internal async Task DetectAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, object fact, CancellationToken ct)
    {
        var metadata = new EventMetadata(CausationId: intake.EventId.ToString(), Actor: "exceptions:detector", Site: received.Site, TraceParent: intake.Metadata.TraceParent);
        var rules = options.DetectionFor(received.Site);
        switch (fact)
        {
            case MachineStateChanged { State: MachineState.Down } down when rules.MachineDownDelay(down.ReasonCode) is var delay && delay > TimeSpan.Zero:
                await deadlines.ScheduleAsync(tx, received.OccurredAt + delay, $"work-center-{received.Site}/{down.WorkCenter}", MachineDownDeadline,
                    new MachineDownTimer(intake.EventId, received.Site, down.WorkCenter, received.Subject, down.Reason, received.OccurredAt), ct);
                break;
            case MachineStateChanged { State: MachineState.Down } down:
                await OpenMachineDownAsync(tx, intake.EventId, received.Site, down.WorkCenter, received.Subject, down.Reason, metadata, ct);
                break;
            case QualityHoldRaised hold:
                await HoldAsync(tx, intake, received, hold, metadata, ct);
                break;
            case SupplierDeliveryDelayed delay when rules.Shortages:
                await OpenShortageAsync(tx, intake, received, delay.PurchaseOrderId, metadata, ct);
                break;
            case PurchaseOrderPlaced placed when rules.Shortages:
                await OpenShortageAsync(tx, intake, received, placed.PurchaseOrderId, metadata, ct);
                break;
            case QualityHoldReleased release:
                await ReleaseAsync(tx, release.HoldId, ct);
                break;
        }
        if (rules.PromiseDates) await CheckPromisesAsync(tx, intake, received, fact, metadata, ct);
        await ReassessWatchingAsync(tx, await _watch.KeysOfAsync(tx, received.Site, fact, ct), received.OccurredAt, metadata, ct);
    }

    /// <summary>A delayed machine-down rule fired: open the case only if the work center is still in the same stop.</summary>
    internal async Task ConfirmMachineDownAsync(NpgsqlTransaction tx, MachineDownTimer timer, CancellationToken ct)
    {
        var downSince = await Sql.StringsAsync(tx, $"""
            SELECT 'x' FROM {_s}.work_centers WHERE site = $1 AND work_center = $2 AND state = 'Down' AND as_of = $3
            """, ct, timer.Site, timer.WorkCenter, timer.DownAt);
        if (downSince.Count == 0) return; // back up (or down again later, which has its own timer)
        var metadata = new EventMetadata(CausationId: timer.IntakeEventId.ToString(), Actor: "exceptions:detector", Site: timer.Site);
        await OpenMachineDownAsync(tx, timer.IntakeEventId, timer.Site, timer.WorkCenter, timer.Subject, timer.Reason, metadata, ct);
    }

    private async Task OpenMachineDownAsync(
        NpgsqlTransaction tx, Guid intakeEventId, string site, string workCenter, string subject, string? reason, EventMetadata metadata, CancellationToken ct)
    {
        var key = $"{site}/{workCenter}";
        if (!await StillDownAsync(tx, key, ct)) return; // a late "down" older than the work center's current state
        if (await cases.OpenCaseAsync(tx, CaseKind.MachineDown, key, ct) is not null) return;
        var caseId = DeterministicId.From($"case|{intakeEventId}");
        if (await cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        var impact = await _impact.OfWorkCenterAsync(tx, site, workCenter, ct);
        var summary = $"{workCenter} down{(reason is null ? "" : $" ({reason})")}";
        await cases.DecideAsync(tx, caseId, metadata, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.MachineDown, site, key, subject, summary, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    /// <summary>A supplier ETA later than an open order's need date: a shortage (one open case per purchase order).</summary>
    private async Task OpenShortageAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, string purchaseOrderId, EventMetadata metadata, CancellationToken ct)
    {
        if (await cases.OpenCaseAsync(tx, CaseKind.Shortage, purchaseOrderId, ct) is not null) return;
        var impact = await _impact.OfLateSupplyAsync(tx, purchaseOrderId, ct);
        if (impact.ProductionOrders.Count == 0) return;
        var caseId = DeterministicId.From($"case|{intake.EventId}");
        if (await cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        await cases.DecideAsync(tx, caseId, metadata, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.Shortage, received.Site, purchaseOrderId, received.Subject,
                $"Supply of {purchaseOrderId} arrives after {impact.ProductionOrders.Count} order(s) need it", now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    private async Task HoldAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, QualityHoldRaised hold, EventMetadata metadata, CancellationToken ct)
    {
        var caseId = DeterministicId.From($"case|{intake.EventId}");
        if (await cases.ExistsAsync(tx, caseId, ct)) return;
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.quality_holds (hold_id, site, lot_id, raised_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hold_id) DO NOTHING
            """, ct, hold.HoldId, received.Site, hold.LotId, received.OccurredAt);

        var lots = await _impact.LotTreeAsync(tx, hold.LotId, ct);
        var (blockedOrders, blockedShipments) = await BlockAsync(tx, hold.HoldId, lots, ct);
        var now = store.Clock.GetUtcNow();
        HoldPropagation.Record((DateTimeOffset.UtcNow - intake.RecordedAt).TotalMilliseconds);

        var impact = await _impact.OfLotTreeAsync(tx, lots, ct);
        await cases.DecideAsync(tx, caseId, metadata, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.QualityHold, received.Site, hold.HoldId, received.Subject, $"Quality hold {hold.HoldId} on lot {hold.LotId}: {hold.Reason}", now),
            s => CaseDecisions.RecordHold(s, hold.HoldId, hold.LotId, lots, blockedOrders, blockedShipments, received.OccurredAt, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    /// <summary>Blocks every open order consuming a lot of the held tree, and every undispatched shipment containing one; returns what it newly blocked.</summary>
    private async Task<(string[] Orders, string[] Shipments)> BlockAsync(NpgsqlTransaction tx, string holdId, IReadOnlyList<string> lots, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {_s}.lots SET hold_id = $2 WHERE lot_id = ANY($1) AND hold_id IS DISTINCT FROM $2", ct, lots, holdId);
        var orders = await Sql.StringsAsync(tx, $"""
            UPDATE {_s}.production_orders SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND status <> 'completed' AND order_id IN (SELECT production_order_id FROM {_s}.order_lots WHERE lot_id = ANY($1))
            RETURNING order_id
            """, ct, lots, holdId);
        var shipments = await Sql.StringsAsync(tx, $"""
            UPDATE {_s}.shipments SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND status <> 'dispatched' AND shipment_id IN (SELECT shipment_id FROM {_s}.shipment_lots WHERE lot_id = ANY($1))
            RETURNING shipment_id
            """, ct, lots, holdId);
        return ([.. orders.Order(StringComparer.Ordinal)], [.. shipments.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Unblocks what the hold blocked; the next re-assessment resolves its case.</summary>
    private async Task ReleaseAsync(NpgsqlTransaction tx, string holdId, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {_s}.quality_holds SET released_at = now() WHERE hold_id = $1 AND released_at IS NULL", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.production_orders SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.shipments SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {_s}.lots SET hold_id = NULL WHERE hold_id = $1", ct, holdId);
    }

    /// <summary>Opens a promise-at-risk case for each sales order this fact pushes past its promise date.</summary>
    private async Task CheckPromisesAsync(NpgsqlTransaction tx, RecordedEvent intake, OperationalEventReceived received, object fact, EventMetadata metadata, CancellationToken ct)
    {
        var candidates = fact switch
        {
            SalesOrderConfirmed f => [f.OrderId],
            ProductionOrderReleased { SalesOrderId: { } so } => [so],
            MaterialRequirement f => await _impact.SalesOrdersOfProductionOrdersAsync(tx, [f.ProductionOrderId], ct),
            MachineStateChanged f => await _impact.SalesOrdersAtWorkCenterAsync(tx, received.Site, f.WorkCenter, ct),
            PurchaseOrderPlaced f => await _impact.SalesOrdersNeedingSupplyOfAsync(tx, f.PurchaseOrderId, ct),
            SupplierDeliveryDelayed f => await _impact.SalesOrdersNeedingSupplyOfAsync(tx, f.PurchaseOrderId, ct),
            _ => [],
        };
        if (candidates.Count == 0) return;
        var rules = options.DetectionFor(received.Site);
        foreach (var promise in await _impact.PromisesAsync(tx, candidates, received.OccurredAt, rules.AssumedRepairTime, ct))
        {
            if (!promise.AtRisk || await cases.OpenCaseAsync(tx, CaseKind.PromiseAtRisk, promise.SalesOrderId, ct) is not null) continue;
            var caseId = DeterministicId.From($"case|{intake.EventId}|{promise.SalesOrderId}");
            if (await cases.ExistsAsync(tx, caseId, ct)) continue;
            var impact = await _impact.OfSalesOrderAsync(tx, promise.SalesOrderId, ct);
            var now = store.Clock.GetUtcNow();
            await cases.DecideAsync(tx, caseId, metadata, ct,
                s => CaseDecisions.Open(s, caseId, CaseKind.PromiseAtRisk, received.Site, promise.SalesOrderId, $"sales-order/{promise.SalesOrderId}",
                    $"{promise.SalesOrderId} projected ready {promise.ProjectedReady:yyyy-MM-dd HH:mm}Z, promised {promise.PromiseDate:yyyy-MM-dd HH:mm}Z", now),
                s => CaseDecisions.Assess(s, impact, now),
                s => CaseDecisions.Route(s, routing, now));
        }
    }

    /// <summary>
    /// A new fact may change what the open cases watching it touch: re-assess each, recording only real
    /// changes, and resolve those whose deviation has cleared.
    /// </summary>
    private async Task ReassessWatchingAsync(NpgsqlTransaction tx, IReadOnlyList<string> keys, DateTimeOffset at, EventMetadata metadata, CancellationToken ct)
    {
        foreach (var (caseId, kind, key, site) in await _watch.CasesWatchingAsync(tx, keys, ct))
        {
            var now = store.Clock.GetUtcNow();
            var (impact, cleared, propagated) = kind == CaseKind.QualityHold
                ? await CurrentHoldPictureAsync(tx, key, ct)
                : await CurrentPictureAsync(tx, site, kind, key, at, ct);
            if (cleared is not null)
            {
                await cases.DecideAsync(tx, caseId, metadata, ct, s => CaseDecisions.Assess(s, impact, now), s => CaseDecisions.Resolve(s, cleared, now));
                continue;
            }
            await cases.DecideAsync(tx, caseId, metadata, ct,
                s => propagated?.Invoke(s, now) ?? [],
                s => CaseDecisions.Assess(s, impact, now),
                s => CaseDecisions.Route(s, routing, now));
        }
    }

    /// <summary>What an open case touches now, and — when its deviation has cleared — why.</summary>
    private async Task<(Impact Impact, string? Cleared, HoldStep? Propagated)> CurrentPictureAsync(
        NpgsqlTransaction tx, string site, CaseKind kind, string key, DateTimeOffset at, CancellationToken ct)
    {
        switch (kind)
        {
            case CaseKind.MachineDown:
                return await StillDownAsync(tx, key, ct)
                    ? (await _impact.OfWorkCenterAsync(tx, site, key[(key.IndexOf('/') + 1)..], ct), null, null)
                    : (Impact.None, "work center running again", null);
            case CaseKind.Shortage:
                var late = await _impact.OfLateSupplyAsync(tx, key, ct);
                return late.ProductionOrders.Count > 0 ? (late, null, null) : (Impact.None, "supply arrives in time", null);
            default:
                var promise = await _impact.PromisesAsync(tx, [key], at, options.DetectionFor(site).AssumedRepairTime, ct);
                return promise is [{ AtRisk: true }] ? (await _impact.OfSalesOrderAsync(tx, key, ct), null, null) : (Impact.None, "promise date reachable again", null);
        }
    }

    /// <summary>
    /// A hold still in force: its tree as it is now (lots made from held material after the hold are held
    /// too), blocking what the new lots reach, and the impact of the whole tree.
    /// </summary>
    private async Task<(Impact Impact, string? Cleared, HoldStep? Propagated)> CurrentHoldPictureAsync(NpgsqlTransaction tx, string holdId, CancellationToken ct)
    {
        string lotId;
        DateTimeOffset raisedAt;
        await using (var command = Sql.Command(tx, $"SELECT lot_id, raised_at FROM {_s}.quality_holds WHERE hold_id = $1 AND released_at IS NULL", [holdId]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return (Impact.None, "hold released", null);
            (lotId, raisedAt) = (reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)));
        }
        var lots = await _impact.LotTreeAsync(tx, lotId, ct);
        var (orders, shipments) = await BlockAsync(tx, holdId, lots, ct);
        HoldStep? propagated = orders.Length == 0 && shipments.Length == 0
            ? null
            : (s, now) => CaseDecisions.RecordHold(s, holdId, lotId, lots, orders, shipments, raisedAt, now);
        return (await _impact.OfLotTreeAsync(tx, lots, ct), null, propagated);
    }

    private async Task<bool> StillDownAsync(NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var state = await Sql.StringsAsync(tx, $"SELECT state FROM {_s}.work_centers WHERE site = $1 AND work_center = $2", ct, key[..slash], key[(slash + 1)..]);
        return state is [nameof(MachineState.Down)];
    }
}

/// <summary>The payload of a delayed machine-down rule: the stop it checks is still going on when it fires.</summary>
public sealed record MachineDownTimer(Guid IntakeEventId, string Site, string WorkCenter, string Subject, string? Reason, DateTimeOffset DownAt);

/// <summary>A decision step recording that a hold reached further (new lots, orders, shipments) than when it was raised.</summary>
internal delegate IReadOnlyList<object> HoldStep(ExceptionCase state, DateTimeOffset now);
