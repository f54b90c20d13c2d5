using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Actions.ClosureQuality;

/// <summary>
/// A verified action's verification window ended: each linked KPI is judged on its readings up to the
/// window's end, and the action is recorded as having moved its KPIs or as closed without KPI movement.
/// </summary>
internal sealed class ClosureWindowHandler(ActionWriter writer, KpiRegistry kpis, ServiceStore store) : IDeadlineHandler
{
    public string Kind => ActionWriter.ClosureWindowDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<ClosureWindowTimer>(EventJson.Options)!;
        var action = (await tx.LoadAsync<ActionItem>(ActionItem.StreamId(timer.ActionId), ct)).State;
        if (action.Status != ActionStatus.Verified || action.VerifiedAt != timer.VerifiedAt) return;

        var windowEnd = timer.VerifiedAt.AddDays(action.VerificationWindowDays);
        var movements = new List<KpiMovement>();
        foreach (var kpi in action.Kpis)
        {
            var definition = await kpis.DefinitionAsync(tx.Transaction, action.Site, kpi, ct);
            var readings = definition is null ? [] : await kpis.ReadingsAsync(tx.Transaction, action.Site, kpi, definition.Unit, windowEnd, ct);
            movements.Add(ClosureMovement.Of(kpi, definition, readings, timer.VerifiedAt, windowEnd));
        }
        var now = store.Clock.GetUtcNow();
        await writer.DecideAsync(tx, timer.ActionId, new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "actions:closure-quality"), ct,
            s => ActionDecisions.AssessClosure(s, timer.VerifiedAt, movements, windowEnd, now));
    }
}
