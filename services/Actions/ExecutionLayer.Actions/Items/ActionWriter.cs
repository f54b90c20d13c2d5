using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Items;

/// <summary>
/// The one write path for action items: decides against the action under its stream lock, appends, and
/// keeps in step, in the same transaction, its index row and its timers — the overdue ladder's next
/// rung and the end of the verification window.
/// </summary>
public sealed class ActionWriter(ServiceStore store, Deadlines deadlines, SiteDirectory sites)
{
    public const string OverdueDeadline = "action-overdue";
    public const string ClosureWindowDeadline = "action-closure-window";

    private readonly string _s = store.Schema;

    /// <param name="expected">The version the caller read (If-Match), or null to decide on the current one.</param>
    public async Task<Decided<ActionItem, ActionItem.Event>> DecideAsync(
        StoreTransaction tx, Guid actionId, Provenance provenance, CancellationToken ct, Func<ActionItem, IReadOnlyList<ActionItem.Event>> decide, long? expected = null)
    {
        var written = await tx.DecideAsync(ActionItem.StreamId(actionId), expected, decide,
            state => provenance with { Site = state.Site, CorrelationId = CorrelationOf(state) }, ct);
        if (written.Events.Count == 0) return written;
        await IndexAsync(tx.Transaction, written.State, written.Version, ct);
        await KeepTimersAsync(tx, written.State, written.Events, ct);
        return written;
    }

    /// <summary>An action made for a case or an approval shares its correlation id, so the audit timeline joins them.</summary>
    public static string CorrelationOf(ActionItem state) => state.CorrelationId ?? $"action-{state.Id}";

    private Task IndexAsync(NpgsqlTransaction tx, ActionItem a, long version, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {_s}.action_index AS i (action_id, site, department, owner, title, priority, perspective, kpis, tags, status, source_kind, source_reference,
            correlation_id, verifier_role, created_at, original_due, current_due, verified_at, due_changes, progress, overdue_level, repeat_of, ineffective, moved_kpis, version,
            objectives)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::timestamptz, $19, $20, $21, $22::uuid, $23, $24::boolean, $25, $26)
        ON CONFLICT (action_id) DO UPDATE SET owner = EXCLUDED.owner, status = EXCLUDED.status, current_due = EXCLUDED.current_due,
            verified_at = EXCLUDED.verified_at, due_changes = EXCLUDED.due_changes, progress = EXCLUDED.progress, overdue_level = EXCLUDED.overdue_level,
            repeat_of = EXCLUDED.repeat_of, ineffective = EXCLUDED.ineffective, moved_kpis = EXCLUDED.moved_kpis, version = EXCLUDED.version
        """, ct, a.Id, a.Site, a.Department, a.Owner, a.Title, a.Priority.ToString(), a.Perspective?.ToString(), a.Kpis.ToArray(), a.RootCauseTags.ToArray(),
        a.Status.ToString(), a.SourceKind.ToString(), a.SourceReference, a.CorrelationId, a.VerifierRole, a.CreatedAt, a.OriginalDue, a.Due, a.VerifiedAt,
        a.DueDateChanges, a.PercentComplete, a.OverdueLevel, a.RepeatOf, a.IneffectiveBecauseOf is not null, a.MovedKpis, version, (a.Objectives ?? []).ToArray());

    /// <summary>
    /// The overdue ladder's next rung is set whenever the due date, the owner or the level it stands at
    /// changes, while a rung is left; a closure stops it. Verification starts the window in which the
    /// linked KPIs must move; reopening ends it.
    /// </summary>
    private async Task KeepTimersAsync(StoreTransaction tx, ActionItem state, IReadOnlyList<ActionItem.Event> decided, CancellationToken ct)
    {
        var streamId = ActionItem.StreamId(state.Id);
        if (!state.IsOpen) deadlines.Cancel(tx.Session, streamId, OverdueDeadline);
        else if (decided.Any(e => e is ActionItem.Event.Created or ActionItem.Event.DueDateChanged or ActionItem.Event.Assigned or ActionItem.Event.Reopened or ActionItem.Event.OverdueEscalated))
        {
            deadlines.Cancel(tx.Session, streamId, OverdueDeadline);
            var ladder = (await sites.RulesAsync(tx.Transaction, state.Site, ct)).OverdueLadder;
            if (state.OverdueLevel < ladder.Count)
                deadlines.Schedule(tx.Session, state.Due + ladder[state.OverdueLevel].Delay, streamId, OverdueDeadline,
                    new OverdueTimer(state.Id, state.OverdueLevel, state.Due));
        }

        if (decided.OfType<ActionItem.Event.ClosureVerified>().Any() && state.Kpis.Count > 0 && state.VerifiedAt is { } verifiedAt)
            deadlines.Schedule(tx.Session, verifiedAt.AddDays(state.VerificationWindowDays), streamId, ClosureWindowDeadline,
                new ClosureWindowTimer(state.Id, verifiedAt));
        if (decided.OfType<ActionItem.Event.Reopened>().Any()) deadlines.Cancel(tx.Session, streamId, ClosureWindowDeadline);
    }
}

/// <summary>The payload of an overdue rung's timer: the level and due date it was set for, so a stale timer recognises itself.</summary>
public sealed record OverdueTimer(Guid ActionId, int Level, DateTimeOffset Due);

public sealed record ClosureWindowTimer(Guid ActionId, DateTimeOffset VerifiedAt);
