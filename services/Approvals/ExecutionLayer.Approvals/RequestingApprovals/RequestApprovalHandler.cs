using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>Resolves a request to the policy that governs it and the people who hold its roles, then records it — for the API and the bus alike.</summary>
public sealed class RequestApprovalHandler(ApprovalWriter writer, WorldReader world)
{
    /// <param name="refuseUnroutable">
    /// A caller on the API is told at once (422) when no policy or nobody can take the request; a
    /// message has nobody waiting on the line, so its request is recorded as refused and the refusal
    /// published back instead.
    /// </param>
    public async Task<Decided<ApprovalRequest, ApprovalRequest.Event>> HandleAsync(StoreTransaction tx, RequestApproval command, Provenance provenance, bool refuseUnroutable, CancellationToken ct)
    {
        var policy = PolicyResolver.Choose(await world.PoliciesAsync(tx.Transaction, ct), command.Terms);
        var situation = await world.SituationAsync(tx.Transaction, command.Site, ct);
        try
        {
            return await writer.DecideAsync(tx, command.ApprovalId, provenance, ct, s => ApprovalDecisions.Request(s, command, policy, situation));
        }
        catch (RuleViolationException unroutable) when (refuseUnroutable)
        {
            return await writer.DecideAsync(tx, command.ApprovalId, provenance, ct,
                s => ApprovalDecisions.Refuse(s, command, unroutable.Message, situation.Now));
        }
    }
}
