using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// A work center going down opens a case on what it was making — at once, or, for a reason code the site
/// counts only after a while, when that wait is over and the stop goes on. One open case per work center.
/// </summary>
internal sealed class MachineDownRule(ServiceStore store, CaseWriter cases, RoutingTable routing, ExceptionsOptions options, Deadlines deadlines)
{
    public const string ConfirmationDeadline = "machine-down-confirm";

    private readonly string _s = store.Schema;
    private readonly ImpactQueries _impact = new(store.Schema);

    public async Task ObserveAsync(StoreTransaction tx, Observation seen, MachineStateChanged change, CancellationToken ct)
    {
        if (change.State != MachineState.Down) return;
        var delay = options.DetectionFor(seen.Site).MachineDownDelay(change.ReasonCode);
        if (delay > TimeSpan.Zero)
            deadlines.Schedule(tx.Session, seen.Received.OccurredAt + delay, $"work-center-{seen.Site}/{change.WorkCenter}", ConfirmationDeadline,
                new MachineDownTimer(seen.IntakeEventId, seen.Site, change.WorkCenter, seen.Received.Subject, change.Reason, seen.Received.OccurredAt));
        else
            await OpenAsync(tx, seen.IntakeEventId, seen.Site, change.WorkCenter, seen.Received.Subject, change.Reason, seen.Cause, ct);
    }

    /// <summary>The wait for a delayed reason code is over: open the case only if the work center is still in the same stop.</summary>
    public async Task ConfirmAsync(StoreTransaction tx, MachineDownTimer timer, CancellationToken ct)
    {
        // A case opened here reads the graph and adds to what cases watch, as the intake's detection does: in the graph's turn.
        await tx.TakeTurnAsync(GraphWriter.Turn, ct);
        var downSince = await Sql.StringsAsync(tx.Transaction, $"""
            SELECT 'x' FROM {_s}.work_centers WHERE site = $1 AND work_center = $2 AND state = 'Down' AND as_of = $3
            """, ct, timer.Site, timer.WorkCenter, timer.DownAt);
        if (downSince.Count == 0) return; // back up (or down again later, which has its own timer)
        var cause = new Provenance(CausationId: timer.IntakeEventId.ToString(), Actor: "exceptions:detector", Site: timer.Site);
        await OpenAsync(tx, timer.IntakeEventId, timer.Site, timer.WorkCenter, timer.Subject, timer.Reason, cause, ct);
    }

    /// <summary>What the stop touches now; cleared once the work center runs again.</summary>
    public async Task<Picture> PictureAsync(StoreTransaction tx, string site, string key, CancellationToken ct) =>
        await StillDownAsync(tx, key, ct)
            ? new Picture(await _impact.OfWorkCenterAsync(tx.Transaction, site, key[(key.IndexOf('/') + 1)..], ct))
            : Picture.ClearedBecause("work center running again");

    private async Task OpenAsync(
        StoreTransaction tx, Guid intakeEventId, string site, string workCenter, string subject, string? reason, Provenance cause, CancellationToken ct)
    {
        var key = $"{site}/{workCenter}";
        if (!await StillDownAsync(tx, key, ct)) return; // a late "down" older than the work center's current state
        if (await cases.OpenCaseAsync(tx, CaseKind.MachineDown, key, ct) is not null) return;
        var caseId = DeterministicId.From($"case|{intakeEventId}");
        if (await cases.ExistsAsync(tx, caseId, ct)) return;

        var now = store.Clock.GetUtcNow();
        var impact = await _impact.OfWorkCenterAsync(tx.Transaction, site, workCenter, ct);
        var summary = $"{workCenter} down{(reason is null ? "" : $" ({reason})")}";
        await cases.DecideAsync(tx, caseId, cause, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.MachineDown, site, key, subject, summary, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }

    private async Task<bool> StillDownAsync(StoreTransaction tx, string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var state = await Sql.StringsAsync(tx.Transaction, $"SELECT state FROM {_s}.work_centers WHERE site = $1 AND work_center = $2", ct, key[..slash], key[(slash + 1)..]);
        return state is [nameof(MachineState.Down)];
    }
}

/// <summary>The payload of a delayed machine-down rule: the stop it checks is still going on when it fires.</summary>
public sealed record MachineDownTimer(Guid IntakeEventId, string Site, string WorkCenter, string Subject, string? Reason, DateTimeOffset DownAt);
