using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.EscalatingStages;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.ReadingApprovals;
using ExecutionLayer.Approvals.RequestingApprovals;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.EventSourcing.Hosting;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Approvals;

/// <summary>Everything the approvals service registers, in one place.</summary>
public static class ApprovalsConfig
{
    public static WebApplicationBuilder AddApprovalsService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Approvals").Get<ApprovalsOptions>() ?? new ApprovalsOptions();
        builder.Services.AddSingleton(options);
        // Built now, so a missing token key stops the service at start rather than at the first notice.
        builder.Services.AddSingleton(new DecisionTokens(options));
        builder.Services.AddSingleton<ApprovalWriter>();
        builder.Services.AddSingleton<WorldReader>();
        builder.Services.AddSingleton<RequestApprovalHandler>();
        builder.Services.AddSingleton<DecideHandler>();
        builder.Services.AddWebhookDelivery(options.Webhooks);

        builder.Services.AddEventStore(builder.Configuration, "approvals", RegisterEvents)
            .AddTables(ApprovalsSchema.Create)
            .AddAsyncProjection<NotificationProjection>()
            .AddDeadlineHandler<StageSlaHandler>()
            .AddDeadlineHandler<ApprovalExpiryHandler>();
        builder.Services.AddHostedService<WebhookSender>();
        builder.Services.AddSingleton<IIntegrationEventMapper, ApprovalsIntegrationMapper>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus => bus.AddConsumer<ApprovalNeededConsumer>());
        builder.Services.AddOutboxPublisher("approvals");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app) => app
        .MapRequestApproval().MapReadingApprovals().MapDecisions().MapEscalateAndWithdraw()
        .MapPolicies().MapDirectory().MapDelegations().MapWebhooks();

    private static void RegisterEvents(EventTypeRegistry types) => types
        .Register<ApprovalRequested>("approvals.approval-requested")
        .Register<ApprovalRefused>("approvals.approval-refused")
        .Register<StageOpened>("approvals.stage-opened")
        .Register<StageDelegated>("approvals.stage-delegated")
        .Register<ApproverNotified>("approvals.approver-notified")
        .Register<DecisionRecorded>("approvals.decision-recorded")
        .Register<StageEscalated>("approvals.stage-escalated")
        .Register<StageDecided>("approvals.stage-decided")
        .Register<ApprovalGranted>("approvals.approval-granted")
        .Register<ApprovalRejected>("approvals.approval-rejected")
        .Register<ApprovalExpired>("approvals.approval-expired")
        .Register<ApprovalWithdrawn>("approvals.approval-withdrawn")
        .Register<PolicyVersionPublished>("approvals.policy-version-published")
        .Register<PolicyRetired>("approvals.policy-retired")
        .Register<RoleHoldersSet>("approvals.role-holders-set")
        .Register<DelegationGranted>("approvals.delegation-granted")
        .Register<DelegationRevoked>("approvals.delegation-revoked")
        .Register<WebhookSubscribed>("approvals.webhook-subscribed")
        .Register<WebhookUnsubscribed>("approvals.webhook-unsubscribed");
}
