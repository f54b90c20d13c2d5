using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Actions.EscalatingOverdue;

/// <summary>
/// An open action's due date (plus the rung's delay) passed: the rung's people are told, and the
/// writer sets the next rung. A stale timer — the action closed, moved its date or already climbed — does nothing.
/// </summary>
internal sealed class OverdueHandler(ActionWriter writer, SiteDirectory sites, ServiceStore store) : IDeadlineHandler
{
    public string Kind => ActionWriter.OverdueDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<OverdueTimer>(EventJson.Options)!;
        var site = await Sql.ScalarAsync<string>(tx.Transaction, $"SELECT site FROM {store.Schema}.action_index WHERE action_id = $1", ct, timer.ActionId);
        if (site is null) return;
        var rules = await sites.RulesAsync(tx.Transaction, site, ct);
        if (timer.Level >= rules.OverdueLadder.Count) return;
        var rung = rules.OverdueLadder[timer.Level];
        var now = store.Clock.GetUtcNow();
        await writer.DecideAsync(tx, timer.ActionId, new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "actions:overdue"), ct,
            s => ActionDecisions.EscalateOverdue(s, timer.Level, timer.Due, rung.Notify, rules.Notify(rung, s.Owner), now));
    }
}
