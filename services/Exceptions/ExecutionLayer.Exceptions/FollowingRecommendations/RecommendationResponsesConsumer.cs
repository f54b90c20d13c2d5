using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using MassTransit;

namespace ExecutionLayer.Exceptions.FollowingRecommendations;

/// <summary>
/// What the other services did about a recommendation — its approval granted, rejected, expired, withdrawn or refused; one of its
/// actions created, started, verified, cancelled or judged by its KPIs — moves it on. Each message is found by the request id the recommendation asked
/// with; messages about anything else are not this consumer's business.
/// </summary>
internal sealed class RecommendationResponsesConsumer(MessageInbox inbox, RecommendationWriter recommendations, RoutingTable routing, TimeProvider clock) :
    IConsumer<ApprovalGranted>, IConsumer<ApprovalRejected>, IConsumer<ApprovalExpired>, IConsumer<ApprovalWithdrawn>, IConsumer<ApprovalRefused>,
    IConsumer<ActionItemCreated>, IConsumer<ActionItemStarted>, IConsumer<ActionItemVerified>, IConsumer<ActionItemCancelled>, IConsumer<ActionClosureAssessed>
{
    private const string Inbox = "exceptions:recommendation-responses";

    /// <summary>Granted as asked, or with the approvers' changes: accepted modified.</summary>
    public Task Consume(ConsumeContext<ApprovalGranted> context) =>
        DecidedAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, RecommendationStatus.Accepted, context.Message.DecidedBy, null,
            context.Message.Amendments?.Select(a => new ActionAmendment(a.Index, a.Drop, a.Cost, a.Hours, a.Quantity, a.At)).ToArray());

    /// <summary>The approver's comment is the reason it was rejected.</summary>
    public Task Consume(ConsumeContext<ApprovalRejected> context) =>
        DecidedAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, RecommendationStatus.Rejected, context.Message.DecidedBy, context.Message.Comment);

    public Task Consume(ConsumeContext<ApprovalExpired> context) =>
        DecidedAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, RecommendationStatus.Expired, "approvals:expiry", null);

    public Task Consume(ConsumeContext<ApprovalWithdrawn> context) =>
        DecidedAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, RecommendationStatus.Withdrawn, context.Message.WithdrawnBy, null);

    /// <summary>No policy could route it: refused by routing, not a person's rejection.</summary>
    public Task Consume(ConsumeContext<ApprovalRefused> context) =>
        DecidedAsync(context, context.Message.ExternalReference, context.Message.ApprovalId, RecommendationStatus.Refused, "approvals:routing", context.Message.Why);

    public Task Consume(ConsumeContext<ActionItemCreated> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, "actions",
        (s, request, now) => RecommendationDecisions.LinkAction(s, request, context.Message.ActionId, now));

    public Task Consume(ConsumeContext<ActionItemStarted> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference,
        context.Message.StartedBy, (s, request, _) => RecommendationDecisions.StartAction(s, request, context.Message.ActionId, context.Message.StartedBy, context.Message.StartedAt));

    public Task Consume(ConsumeContext<ActionItemVerified> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference,
        context.Message.VerifiedBy, (s, request, _) => RecommendationDecisions.CloseAction(s, request, context.Message.ActionId, true, context.Message.VerifiedBy, context.Message.VerifiedAt));

    public Task Consume(ConsumeContext<ActionItemCancelled> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference, "actions",
        (s, request, _) => RecommendationDecisions.CloseAction(s, request, context.Message.ActionId, false, "actions", context.Message.CancelledAt));

    /// <summary>The actions service judged a verified action by its KPIs: the expected one judges the recommendation once every action is judged.</summary>
    public Task Consume(ConsumeContext<ActionClosureAssessed> context) => FromActionAsync(context, context.Message.SourceKind, context.Message.SourceReference,
        "actions:closure-quality", (s, request, now) =>
            context.Message.Movements.FirstOrDefault(m => string.Equals(m.Kpi, s.Proposal?.Effect.Kpi, StringComparison.OrdinalIgnoreCase)) is { } m
                ? RecommendationDecisions.AssessAction(s, request, context.Message.ActionId, m.Kpi, m.Baseline, m.Best, context.Message.VerifiedAt, now)
                : []);

    private Task DecidedAsync<T>(ConsumeContext<T> context, Guid? reference, Guid approvalId, RecommendationStatus outcome, string by, string? why,
        IReadOnlyList<ActionAmendment>? amendments = null) where T : class =>
        reference is { } requestId
            ? DecideAsync(context, requestId, by, (s, now) => RecommendationDecisions.Decided(s, outcome, approvalId, by, why,
                function => routing.OwnerRoleOf(s.Site, function), now, amendments))
            : Task.CompletedTask;

    private Task FromActionAsync<T>(ConsumeContext<T> context, ActionSourceKind kind, string reference, string actor,
        Func<Recommendation, Guid, DateTimeOffset, IReadOnlyList<Recommendation.Event>> decide) where T : class =>
        kind == ActionSourceKind.Recommendation && Guid.TryParse(reference, out var requestId)
            ? DecideAsync(context, requestId, actor, (s, now) => decide(s, requestId, now))
            : Task.CompletedTask;

    private Task DecideAsync<T>(ConsumeContext<T> context, Guid requestId, string actor, Func<Recommendation, DateTimeOffset, IReadOnlyList<Recommendation.Event>> decide)
        where T : class =>
        context.HandleOnceAsync(inbox, Inbox, async tx =>
        {
            if (await recommendations.OfRequestAsync(tx, requestId, context.CancellationToken) is not { } recommendationId) return;
            var provenance = new Provenance(CausationId: context.MessageId?.ToString(), Actor: actor);
            var now = clock.GetUtcNow();
            await recommendations.DecideAsync(tx, recommendationId, provenance, context.CancellationToken, s => decide(s, now));
        });
}
