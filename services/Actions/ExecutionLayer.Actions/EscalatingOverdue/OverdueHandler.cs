using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Actions.EscalatingOverdue;

/// <summary>
/// An open action's due date (plus the rung's delay) passed: the rung's people are told, and the
/// writer sets the next rung. A stale timer — the action closed, moved its date or already climbed — does nothing.
/// </summary>
internal sealed class OverdueHandler(ActionWriter writer, SiteDirectory sites, EventStore store) : IDeadlineHandler
{
    public string Kind => ActionWriter.OverdueDeadline;

    public async Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<OverdueTimer>(EventJson.Options)!;
        var site = await Sql.ScalarAsync<string>(uow.Transaction, $"SELECT site FROM {store.Schema}.action_index WHERE action_id = $1", ct, timer.ActionId);
        if (site is null) return;
        var rules = await sites.RulesAsync(uow.Transaction, site, ct);
        if (timer.Level >= rules.OverdueLadder.Count) return;
        var rung = rules.OverdueLadder[timer.Level];
        var now = store.Clock.GetUtcNow();
        await writer.DecideAsync(uow.Transaction, timer.ActionId, new EventMetadata(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "actions:overdue"), ct,
            s => ActionDecisions.EscalateOverdue(s, timer.Level, timer.Due, rung.Notify, rules.Notify(rung, s.Owner), now));
    }
}
