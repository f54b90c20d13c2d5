using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Types;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>A stage's SLA ran out: it climbs to the next level of its chain (a stale timer, for a stage already decided or moved, does nothing).</summary>
internal sealed class StageSlaHandler(ApprovalWriter writer, WorldReader world) : IDeadlineHandler
{
    public string Kind => ApprovalWriter.StageSlaDeadline;

    public async Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<StageTimer>(EventJson.Options)!;
        if (await world.SiteOfAsync(uow.Transaction, timer.ApprovalId, ct) is not { } site) return;
        var situation = await world.SituationAsync(uow.Transaction, site, ct);
        await writer.DecideAsync(uow.Transaction, timer.ApprovalId, new EventMetadata(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "approvals:sla"), ct,
            s => ApprovalDecisions.Escalate(s, timer.Stage, timer.Level, EscalationTrigger.Timer, null, situation));
    }
}
