using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>
/// A case's row in the flow tables, kept by the case writer in the transaction of its events: when it opened, when its hold was
/// raised and first propagated, and the first moments every function it was asked of had its action (notified) and every action
/// not cancelled had been started (responded). Once reached, a moment stays: a later re-routing does not move it.
/// </summary>
internal sealed class CaseFlow(string s)
{
    public async Task KeepAsync(NpgsqlTransaction tx, ExceptionCase state, IReadOnlyList<ExceptionCase.Event> decided, CancellationToken ct)
    {
        if (!decided.Any(e => e is ExceptionCase.Event.Opened or ExceptionCase.Event.HoldPropagated or ExceptionCase.Event.Routed
                or ExceptionCase.Event.ActionLinked or ExceptionCase.Event.ActionStarted or ExceptionCase.Event.ActionClosed))
            return;
        var opened = decided.OfType<ExceptionCase.Event.Opened>().FirstOrDefault();
        var hold = decided.OfType<ExceptionCase.Event.HoldPropagated>().FirstOrDefault();
        var asked = state.Actions;
        var notifiedAt = asked.Count > 0 && asked.All(a => a.LinkedAt is not null) ? asked.Max(a => a.LinkedAt) : null;
        var awaited = asked.Where(a => a.Status != ResponseStatus.Cancelled).ToList();
        var respondedAt = awaited.Count > 0 && awaited.All(a => a.StartedAt is not null) ? awaited.Max(a => a.StartedAt) : null;
        // A case opened before flow was kept has no row yet: its opening is in the case index. Nulls go as text: each time is cast.
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.flow_cases AS t (case_id, site, kind, opened_at, raised_at, propagated_at, asked, notified_at, awaited, responded_at)
            VALUES ($1, $2, $3, coalesce($4::timestamptz, (SELECT opened_at FROM {s}.case_index WHERE case_id = $1)), $5::timestamptz, $6::timestamptz, $7, $8::timestamptz,
                $9, $10::timestamptz)
            ON CONFLICT (case_id) DO UPDATE SET raised_at = coalesce(t.raised_at, EXCLUDED.raised_at), propagated_at = coalesce(t.propagated_at, EXCLUDED.propagated_at),
                asked = EXCLUDED.asked, notified_at = coalesce(t.notified_at, EXCLUDED.notified_at),
                awaited = EXCLUDED.awaited, responded_at = coalesce(t.responded_at, EXCLUDED.responded_at)
            """, ct, state.Id, state.Site, state.Kind.ToString(), opened?.OpenedAt, hold?.RaisedAt, hold?.PropagatedAt, asked.Count, notifiedAt,
            awaited.Count, respondedAt);
    }
}
