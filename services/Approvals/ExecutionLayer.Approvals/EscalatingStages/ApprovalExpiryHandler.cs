using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>The policy's final expiry passed with the request still undecided: it expires, and the requester hears so.</summary>
internal sealed class ApprovalExpiryHandler(ApprovalWriter writer, TimeProvider clock) : IDeadlineHandler
{
    public string Kind => ApprovalWriter.ExpiryDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<ExpiryTimer>(EventJson.Options)!;
        var now = clock.GetUtcNow();
        await writer.DecideAsync(tx, timer.ApprovalId, new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "approvals:expiry"), ct,
            s => ApprovalDecisions.Expire(s, now));
    }
}
