using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.EscalatingStages;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.ReadingApprovals;
using ExecutionLayer.Approvals.RequestingApprovals;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Types;
using Marten;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;

using ExecutionLayer.ServiceDefaults.Addresses;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Approvals;

/// <summary>Everything the approvals service registers, in one place.</summary>
public static class ApprovalsConfig
{
    public static WebApplicationBuilder AddApprovalsService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Approvals").Get<ApprovalsOptions>() ?? new ApprovalsOptions();
        // Decision links point at the gateway: where it listens (Services:gateway) unless the public address differs.
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
            options = options with { PublicBaseUrl = ServiceAddresses.From(builder.Configuration).First(ServiceAddresses.Gateway).ToString().TrimEnd('/') + "/api" };
        builder.Services.AddSingleton(options);
        // Built now, so a missing token key stops the service at start rather than at the first notice.
        builder.Services.AddSingleton(new DecisionTokens(options));
        builder.Services.AddSingleton<ApprovalWriter>();
        builder.Services.AddSingleton<WorldReader>();
        builder.Services.AddSingleton<RequestApprovalHandler>();
        builder.Services.AddSingleton<DecideHandler>();
        builder.Services.AddSingleton<ApprovalIndex>();
        builder.Services.AddSingleton<PolicyIndex>();
        builder.Services.AddSingleton<RoleHolderTable>();
        builder.Services.AddSingleton<DelegationIndex>();
        builder.Services.AddSingleton<WebhookTables>();
        builder.Services.AddSingleton<LiveContexts>();
        // An approver's page must not wait on an owner that is down: past this, the frozen context stands.
        builder.Services.AddHttpClient(LiveContexts.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(2));
        builder.Services.AddWebhookDelivery(options.Webhooks);

        builder.Services.AddServiceStore(builder.Configuration, "approvals", Types(), s => ApprovalsSchema.Create(s) + SiteCatalog.Create(s))
            .AddEventOutbox("approvals")
            .AddSubscriptionWithServices<NotificationProjection>(ServiceLifetime.Singleton, subscription => subscription.Name = NotificationProjection.SubscriptionName);
        builder.Services.AddDeadlineHandler<StageSlaHandler>().AddDeadlineHandler<ApprovalExpiryHandler>();
        builder.Services.AddHostedService<WebhookSender>();
        builder.Services.AddSingleton<IEventMapper, ApprovalsEventMapper>();
        builder.Services.AddSingleton<SiteCatalog>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<ApprovalNeededConsumer>();
            bus.AddConsumer<ChangeApprovalNeededConsumer>();
            bus.AddConsumer<RecommendationApprovalNeededConsumer>();
            bus.AddConsumer<ChangeApprovedConsumer>();
            bus.AddConsumer<ErpCommandConsumer>();
        }, siteReplicaOf: "approvals");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app) => app
        .MapRequestApprovalApi().MapReadingApprovalsApi().MapLiveContextApi().MapDecidingApi().MapEscalateAndWithdrawApi()
        .MapPoliciesApi().MapDirectoryApi().MapDelegationsApi().MapWebhooksApi();

    /// <summary>The approvals service's streams and events under their stable names: the ledger and the audit feed carry these.</summary>
    public static EventTypes Types() => new EventTypes()
        .Stream<ApprovalRequest>("approval-")
        .Stream<Policy>("policy-")
        .Stream<SiteDirectory>("directory-")
        .Stream<Delegation>("delegation-")
        .Stream<WebhookSubscription>("webhook-subscription-")
        .Register<ApprovalRequest.Event.Requested>("approvals.approval-requested")
        .Register<ApprovalRequest.Event.Refused>("approvals.approval-refused")
        .Register<ApprovalRequest.Event.StageOpened>("approvals.stage-opened")
        .Register<ApprovalRequest.Event.StageDelegated>("approvals.stage-delegated")
        .Register<ApprovalRequest.Event.ApproverNotified>("approvals.approver-notified")
        .Register<ApprovalRequest.Event.DecisionRecorded>("approvals.decision-recorded")
        .Register<ApprovalRequest.Event.StageEscalated>("approvals.stage-escalated")
        .Register<ApprovalRequest.Event.StageDecided>("approvals.stage-decided")
        .Register<ApprovalRequest.Event.Granted>("approvals.approval-granted")
        .Register<ApprovalRequest.Event.Rejected>("approvals.approval-rejected")
        .Register<ApprovalRequest.Event.Expired>("approvals.approval-expired")
        .Register<ApprovalRequest.Event.Withdrawn>("approvals.approval-withdrawn")
        .Register<Policy.Event.VersionPublished>("approvals.policy-version-published")
        .Register<Policy.Event.Retired>("approvals.policy-retired")
        .Register<SiteDirectory.Event.RoleHoldersSet>("approvals.role-holders-set")
        .Register<Delegation.Event.Granted>("approvals.delegation-granted")
        .Register<Delegation.Event.Revoked>("approvals.delegation-revoked")
        .Register<WebhookSubscription.Event.Subscribed>("approvals.webhook-subscribed")
        .Register<WebhookSubscription.Event.Unsubscribed>("approvals.webhook-unsubscribed");
}
