using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Messaging;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using MassTransit;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>
/// A recommendation from a planning or AI system needs people's decision: routed like any request, by the policy for its subject
/// type at the site, expiring when the recommendation does. Its correlation names the recommendation, whose owner (the exceptions
/// service) answers for its context when an approver opens or decides it. A request no policy can route is refused, and the
/// recommendation hears so.
/// </summary>
public sealed class RecommendationApprovalNeededConsumer(MessageInbox inbox, RequestApprovalHandler handler) : IConsumer<RecommendationApprovalNeeded>
{
    public Task Consume(ConsumeContext<RecommendationApprovalNeeded> context) => context.HandleOnceAsync(inbox, "approvals:recommendation-approval-needed", async tx =>
    {
        var m = context.Message;
        var command = new RequestApproval(RequestApproval.IdFor(m.RequestId), new Subject(m.SubjectType, m.SubjectId), m.Site, m.Amount, m.Currency,
            m.Severity.ToLowerInvariant(), m.Requester, m.Reason, $"recommendation-{m.RecommendationId}", m.RequestId,
            JsonSerializer.SerializeToElement(m.Context, JsonDefaults.Options), [], ExpiresBy: m.ExpiresAt);
        // Recorded as the recommending client's request: it is the requester, and so may not approve it.
        await handler.HandleAsync(tx, command, new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.Requester), refuseUnroutable: true,
            context.CancellationToken);
    });
}
