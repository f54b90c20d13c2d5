using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// A quality hold opens a case and, in the same step, blocks everything downstream of the held lot;
/// while it is in force, lots made from held material later are held too, and what they reach is
/// blocked. Its release unblocks all of it, and the next re-assessment resolves the case.
/// </summary>
internal sealed class QualityHoldRule(ServiceStore store, CaseWriter cases, RoutingTable routing)
{
    private readonly ImpactQueries _impact = new(store.Schema);
    private readonly HoldPropagation _holds = new(store.Schema);

    public async Task RaisedAsync(StoreTransaction tx, Observation seen, QualityHoldRaised hold, CancellationToken ct)
    {
        var caseId = seen.CaseId();
        if (await cases.ExistsAsync(tx, caseId, ct)) return;
        await _holds.RaiseAsync(tx.Transaction, hold.HoldId, seen.Site, hold.LotId, seen.Received.OccurredAt, ct);

        var lots = await _impact.LotTreeAsync(tx.Transaction, hold.LotId, ct);
        var (blockedOrders, blockedShipments) = await _holds.BlockAsync(tx.Transaction, hold.HoldId, lots, ct);
        var now = store.Clock.GetUtcNow();
        ExceptionsMeter.HoldPropagation.Record((DateTimeOffset.UtcNow - seen.ReceivedAt).TotalMilliseconds);

        var impact = await _impact.OfLotTreeAsync(tx.Transaction, lots, ct);
        await cases.DecideAsync(tx, caseId, seen.Cause, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.QualityHold, seen.Site, hold.HoldId, seen.Received.Subject, $"Quality hold {hold.HoldId} on lot {hold.LotId}: {hold.Reason}", now),
            s => CaseDecisions.RecordHold(s, hold.HoldId, hold.LotId, lots, blockedOrders, blockedShipments, seen.Received.OccurredAt, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    public Task ReleasedAsync(StoreTransaction tx, QualityHoldReleased release, CancellationToken ct) => _holds.ReleaseAsync(tx.Transaction, release.HoldId, ct);

    /// <summary>
    /// A hold still in force: its tree as it is now, blocking what lots new to it reach, and the impact of
    /// the whole tree; cleared once the hold is released.
    /// </summary>
    public async Task<Picture> PictureAsync(StoreTransaction tx, string holdId, CancellationToken ct)
    {
        if (await _holds.InForceAsync(tx.Transaction, holdId, ct) is not var (lotId, raisedAt)) return Picture.ClearedBecause("hold released");
        var lots = await _impact.LotTreeAsync(tx.Transaction, lotId, ct);
        var (orders, shipments) = await _holds.BlockAsync(tx.Transaction, holdId, lots, ct);
        HoldStep? propagated = orders.Length == 0 && shipments.Length == 0
            ? null
            : (s, now) => CaseDecisions.RecordHold(s, holdId, lotId, lots, orders, shipments, raisedAt, now);
        return new Picture(await _impact.OfLotTreeAsync(tx.Transaction, lots, ct), Propagated: propagated);
    }
}

/// <summary>A decision step recording that a hold reached further (new lots, orders, shipments) than when it was raised.</summary>
internal delegate IReadOnlyList<ExceptionCase.Event> HoldStep(ExceptionCase state, DateTimeOffset now);
