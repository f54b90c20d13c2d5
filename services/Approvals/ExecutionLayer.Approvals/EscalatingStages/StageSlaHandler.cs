using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>A stage's SLA ran out: it climbs to the next level of its chain (a stale timer, for a stage already decided or moved, does nothing).</summary>
internal sealed class StageSlaHandler(ApprovalWriter writer, WorldReader world) : IDeadlineHandler
{
    public string Kind => ApprovalWriter.StageSlaDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<StageTimer>(EventJson.Options)!;
        if (await world.SiteOfAsync(tx.Transaction, timer.ApprovalId, ct) is not { } site) return;
        var situation = await world.SituationAsync(tx.Transaction, site, ct);
        await writer.DecideAsync(tx, timer.ApprovalId, new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "approvals:sla"), ct,
            s => ApprovalDecisions.Escalate(s, timer.Stage, timer.Level, EscalationTrigger.Timer, null, situation));
    }
}
