using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Messaging;
using ExecutionLayer.ServiceDefaults.Json;
using MassTransit;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>
/// An exception case needs a decision (use-as-is deviation, expedited freight, overtime). The request
/// id the case asked with becomes the approval's id, so a redelivered message finds the request made.
/// </summary>
public sealed class ApprovalNeededConsumer(MessageInbox inbox, RequestApprovalHandler handler) : IConsumer<ApprovalNeeded>
{
    public Task Consume(ConsumeContext<ApprovalNeeded> context) => context.HandleOnceAsync(inbox, "approvals:approval-needed", async tx =>
    {
        var m = context.Message;
        var command = new RequestApproval(RequestApproval.IdFor(m.RequestId), new Subject(m.SubjectType, m.SubjectId), m.Site, m.Amount, m.Currency,
            m.Severity.ToLowerInvariant(), m.Requester, m.Reason, $"case-{m.CaseId}", m.RequestId,
            JsonSerializer.SerializeToElement(m.Context, JsonDefaults.Options), [], m.RequestedBy);
        // Recorded as the case's request was: by whoever asked through the case, for whomever they asked.
        var metadata = new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.RequestedBy ?? m.Requester, OnBehalfOf: m.RequestedBy is null ? null : m.Requester);
        await handler.HandleAsync(tx, command, metadata, refuseUnroutable: true,
            context.CancellationToken);
    });
}
