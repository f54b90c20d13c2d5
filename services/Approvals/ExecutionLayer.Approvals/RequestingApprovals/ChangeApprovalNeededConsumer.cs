using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Contracts.Changes;
using ExecutionLayer.Messaging;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using MassTransit;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>
/// A change to a governed field needs a decision: routed like any request, by the policy for the field's subject type at the
/// site. The request id the change asked with becomes the approval's id, so a redelivered message finds the request made; a
/// request no policy can route is refused, and the change hears so.
/// </summary>
public sealed class ChangeApprovalNeededConsumer(MessageInbox inbox, RequestApprovalHandler handler) : IConsumer<ChangeApprovalNeeded>
{
    public Task Consume(ConsumeContext<ChangeApprovalNeeded> context) => context.HandleOnceAsync(inbox, "approvals:change-approval-needed", async tx =>
    {
        var m = context.Message;
        var command = new RequestApproval(RequestApproval.IdFor(m.RequestId), new Subject(m.SubjectType, m.SubjectId), m.Site, null, null,
            m.Severity.ToLowerInvariant(), m.Requester, m.Reason, $"change-{m.ChangeId}", m.RequestId,
            JsonSerializer.SerializeToElement(m.Context, JsonDefaults.Options), [], m.RequestedBy);
        var metadata = new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.RequestedBy ?? m.Requester, OnBehalfOf: m.RequestedBy is null ? null : m.Requester);
        await handler.HandleAsync(tx, command, metadata, refuseUnroutable: true, context.CancellationToken);
    });
}
