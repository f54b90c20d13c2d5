using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Messaging;
using MassTransit;

namespace ExecutionLayer.Exceptions.FollowingResponses;

/// <summary>
/// What the other services did about a case — an action created, started, verified or cancelled; an approval
/// granted, rejected, expired, withdrawn or refused — moves it on. Each message is found by the request id the
/// case asked with; messages about anything else are not this service's business and are dropped.
/// </summary>
public sealed class CaseResponsesConsumer(MessageInbox inbox, CaseWriter cases, TimeProvider clock) :
    IConsumer<ActionItemCreated>, IConsumer<ActionItemStarted>, IConsumer<ActionItemVerified>, IConsumer<ActionItemCancelled>,
    IConsumer<ApprovalGranted>, IConsumer<ApprovalRejected>, IConsumer<ApprovalExpired>, IConsumer<ApprovalWithdrawn>, IConsumer<ApprovalRefused>
{
    private const string Inbox = "exceptions:case-responses";

    public Task Consume(ConsumeContext<ActionItemCreated> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, "actions",
        (s, request, now) => CaseDecisions.LinkAction(s, request, context.Message.ActionId, now));

    public Task Consume(ConsumeContext<ActionItemStarted> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, context.Message.StartedBy,
        (s, request, _) => CaseDecisions.StartAction(s, request, context.Message.ActionId, context.Message.StartedBy, context.Message.StartedAt));

    public Task Consume(ConsumeContext<ActionItemVerified> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, context.Message.VerifiedBy,
        (s, request, now) => CaseDecisions.CloseAction(s, request, context.Message.ActionId, ResponseStatus.Verified, context.Message.VerifiedBy, now));

    public Task Consume(ConsumeContext<ActionItemCancelled> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, "actions",
        (s, request, now) => CaseDecisions.CloseAction(s, request, context.Message.ActionId, ResponseStatus.Cancelled, "actions", now));

    public Task Consume(ConsumeContext<ApprovalGranted> context) =>
        FromApprovalAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ApprovalOutcome.Granted, context.Message.DecidedBy);

    public Task Consume(ConsumeContext<ApprovalRejected> context) =>
        FromApprovalAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ApprovalOutcome.Rejected, context.Message.DecidedBy);

    public Task Consume(ConsumeContext<ApprovalExpired> context) =>
        FromApprovalAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ApprovalOutcome.Expired, "approvals:expiry");

    /// <summary>No policy could route it: the case records a refusal by routing, not a person's rejection.</summary>
    public Task Consume(ConsumeContext<ApprovalRefused> context) =>
        FromApprovalAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ApprovalOutcome.Refused, "approvals:routing");

    public Task Consume(ConsumeContext<ApprovalWithdrawn> context) =>
        FromApprovalAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, ApprovalOutcome.Withdrawn, context.Message.WithdrawnBy);

    private Task FromActionAsync<T>(ConsumeContext<T> context, ActionSourceKind kind, string reference, string actor,
        Func<ExceptionCase, Guid, DateTimeOffset, IReadOnlyList<ExceptionCase.Event>> decide) where T : class =>
        kind == ActionSourceKind.Exception && Guid.TryParse(reference, out var requestId)
            ? DecideAsync(context, requestId, actor, (s, now) => decide(s, requestId, now))
            : Task.CompletedTask;

    private Task FromApprovalAsync<T>(ConsumeContext<T> context, Guid? reference, Guid approvalId, ApprovalOutcome outcome, string by) where T : class =>
        reference is { } requestId
            ? DecideAsync(context, requestId, by, (s, now) => CaseDecisions.RecordApprovalOutcome(s, requestId, approvalId, outcome, by, now))
            : Task.CompletedTask;

    private Task DecideAsync<T>(ConsumeContext<T> context, Guid requestId, string actor, Func<ExceptionCase, DateTimeOffset, IReadOnlyList<ExceptionCase.Event>> decide) where T : class =>
        context.HandleOnceAsync(inbox, Inbox, async tx =>
        {
            if (await cases.CaseOfRequestAsync(tx, requestId, context.CancellationToken) is not { } caseId) return;
            var provenance = new Provenance(CausationId: context.MessageId?.ToString(), Actor: actor);
            var now = clock.GetUtcNow();
            await cases.DecideAsync(tx, caseId, provenance, context.CancellationToken, s => decide(s, now));
        });
}
