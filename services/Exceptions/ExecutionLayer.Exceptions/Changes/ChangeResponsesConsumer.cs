using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using MassTransit;

namespace ExecutionLayer.Exceptions.Changes;

/// <summary>
/// The approvals service decided a change's request — granted, rejected, expired, withdrawn or refused — and the change follows.
/// Each message is found by the request id the change asked with; approvals about anything else are not this consumer's business.
/// </summary>
internal sealed class ChangeResponsesConsumer(MessageInbox inbox, ChangeWriter changes, ChangeGrants grants, TimeProvider clock) :
    IConsumer<ApprovalGranted>, IConsumer<ApprovalRejected>, IConsumer<ApprovalExpired>, IConsumer<ApprovalWithdrawn>, IConsumer<ApprovalRefused>
{
    private const string Inbox = "exceptions:change-responses";

    public Task Consume(ConsumeContext<ApprovalGranted> context) =>
        DecideAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ChangeStatus.Granted, context.Message.DecidedBy, null);

    public Task Consume(ConsumeContext<ApprovalRejected> context) =>
        DecideAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ChangeStatus.Rejected, context.Message.DecidedBy, context.Message.Comment);

    public Task Consume(ConsumeContext<ApprovalExpired> context) =>
        DecideAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ChangeStatus.Expired, "approvals:expiry", null);

    public Task Consume(ConsumeContext<ApprovalWithdrawn> context) =>
        DecideAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ChangeStatus.Withdrawn, context.Message.WithdrawnBy, null);

    /// <summary>No policy could route it: refused by routing, not a person's rejection.</summary>
    public Task Consume(ConsumeContext<ApprovalRefused> context) =>
        DecideAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ChangeStatus.Refused, "approvals:routing", context.Message.Why);

    private Task DecideAsync<T>(ConsumeContext<T> context, Guid? reference, Guid approvalId, ChangeStatus outcome, string by, string? why) where T : class =>
        reference is not { } requestId ? Task.CompletedTask : context.HandleOnceAsync(inbox, Inbox, async tx =>
        {
            if (await changes.OfApprovalRequestAsync(tx.Transaction, requestId, context.CancellationToken) is not var (changeId, field, entityId)) return;
            var provenance = new Provenance(CausationId: context.MessageId?.ToString(), Actor: by);
            var now = clock.GetUtcNow();
            await grants.DecideAsync(tx, changeId, field, entityId, provenance, context.CancellationToken,
                (s, _) => ChangeDecisions.Decided(s, outcome, approvalId, by, why, now));
        });
}
