using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Changes;
using ExecutionLayer.Exceptions.Governing;
using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.EscalatingCases;
using ExecutionLayer.Exceptions.FollowingResponses;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Exceptions.MeasuringFlow;
using ExecutionLayer.Exceptions.FollowingRecommendations;
using ExecutionLayer.Exceptions.GoverningRecommendations;
using ExecutionLayer.Exceptions.JudgingRecommendations;
using ExecutionLayer.Exceptions.ReceivingRecommendations;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Exceptions.ReadingCases;
using ExecutionLayer.Exceptions.ReadingGraph;
using ExecutionLayer.Exceptions.ReceivingEvents;
using ExecutionLayer.Exceptions.RegisteringSites;
using ExecutionLayer.Exceptions.RequestingApprovals;
using ExecutionLayer.Exceptions.Sites;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Exceptions;

/// <summary>Everything the exceptions service registers, in one place.</summary>
public static class ExceptionsConfig
{
    public static WebApplicationBuilder AddExceptionsService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Exceptions").Get<ExceptionsOptions>() ?? new ExceptionsOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SiteCatalog>();
        builder.Services.AddSingleton<ReceiveEventsHandler>();
        builder.Services.AddSingleton(RoutingTable.From(options));
        builder.Services.AddSingleton<CaseWriter>();
        builder.Services.AddSingleton<MachineDownRule>();
        builder.Services.AddSingleton<QualityHoldRule>();
        builder.Services.AddSingleton<ShortageRule>();
        builder.Services.AddSingleton<PromiseAtRiskRule>();
        builder.Services.AddSingleton<Reassessment>();
        builder.Services.AddSingleton<CaseDetector>();
        builder.Services.AddSingleton<GraphViews>();
        builder.Services.AddSingleton<CaseList>();
        builder.Services.AddSingleton<GovernanceTables>();
        builder.Services.AddSingleton<UngovernedChangeRule>();
        builder.Services.AddSingleton<ChangeWriter>();
        builder.Services.AddSingleton<ChangeGrants>();
        builder.Services.AddSingleton<FlowIndicators>();
        builder.Services.AddSingleton<RecommendationWriter>();
        builder.Services.AddSingleton<RecommendationRules>();
        builder.Services.AddSingleton<RecommendationPerformance>();

        // The graph and the case tables are inline read models: written in the intake's (or the case writer's) transaction.
        builder.Services.AddServiceStore(builder.Configuration, "exceptions", Types(), s => GraphSchema.Create(s) + CaseSchema.Create(s) + FlowSchema.Create(s) + SiteCatalog.Create(s) + GovernanceTables.Create(s)
            + RecommendationWriter.Create(s) + RecommendationRules.Create(s))
            .AddEventOutbox("exceptions");
        // After the store's schema host: the seed writes to it, and must be in before the first request names a site.
        builder.Services.AddHostedService<SiteSeed>();
        builder.Services.AddHostedService<FlowReadingsSchedule>();
        builder.Services.AddDeadlineHandler<CaseSlaHandler>().AddDeadlineHandler<MachineDownConfirmationHandler>()
            .AddDeadlineHandler<FlowReadingsHandler>().AddDeadlineHandler<PromiseJudgementHandler>();
        builder.Services.AddSingleton<IEventMapper, ExceptionsEventMapper>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<CaseResponsesConsumer>();
            bus.AddConsumer<ChangeResponsesConsumer>();
            bus.AddConsumer<FlowApprovalsConsumer>();
            bus.AddConsumer<RecommendationResponsesConsumer>();
            bus.AddConsumer<SiteRegistryRequestedConsumer>();
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapExceptionsApi(this IEndpointRouteBuilder app) => 
        app.MapReceiveEventsApi().MapReadingCasesApi().MapGraphViewsApi().MapRequestCaseApprovalApi().MapSiteRegistryApi()
            .MapGovernedFieldsApi().MapChangesApi().MapFlowApi().MapRecommendationsApi().MapRecommendationPoliciesApi()
            .MapRecommendationPerformanceApi();

    /// <summary>The exceptions service's streams and events under their stable names: the ledger and the audit feed carry these.</summary>
    public static EventTypes Types() => new EventTypes()
        .Stream(ReceiveEventsHandler.StreamType, ReceiveEventsHandler.StreamPrefix)
        .Stream<ExceptionCase>("case-")
        .Stream<Site>(Site.StreamPrefix)
        .Stream<FieldGovernance>(FieldGovernance.StreamPrefix)
        .Stream<ChangeRequest>(ChangeRequest.StreamPrefix)
        .Stream(FlowReadings.StreamType, FlowReadings.StreamPrefix)
        .Stream<Recommendation>(Recommendation.StreamPrefix)
        .Stream<RecommendationPolicy>(RecommendationPolicy.StreamPrefix)
        .Register<OperationalEventReceived>(ReceiveEventsHandler.IntakeEventType)
        .Register<ExceptionCase.Event.Opened>("exceptions.case-opened")
        .Register<ExceptionCase.Event.ImpactAssessed>("exceptions.impact-assessed")
        .Register<ExceptionCase.Event.Routed>("exceptions.case-routed")
        .Register<ExceptionCase.Event.HoldPropagated>("exceptions.hold-propagated")
        .Register<ExceptionCase.Event.ApprovalRequested>("exceptions.approval-requested")
        .Register<ExceptionCase.Event.ActionLinked>("exceptions.action-linked")
        .Register<ExceptionCase.Event.ActionStarted>("exceptions.action-started")
        .Register<ExceptionCase.Event.ActionClosed>("exceptions.action-closed")
        .Register<ExceptionCase.Event.ApprovalDecided>("exceptions.approval-decided")
        .Register<ExceptionCase.Event.Escalated>("exceptions.case-escalated")
        .Register<ExceptionCase.Event.Resolved>("exceptions.case-resolved")
        .Register<ExceptionCase.Event.Closed>("exceptions.case-closed")
        .Register<ExceptionCase.Event.RecommendationLinked>("exceptions.recommendation-linked")
        .Register<Site.Event.Registered>("exceptions.site-registered")
        .Register<Site.Event.Changed>("exceptions.site-changed")
        .Register<FieldGovernance.Event.Governed>("exceptions.field-governed")
        .Register<FieldGovernance.Event.Released>("exceptions.field-released")
        .Register<ChangeRequest.Event.Requested>("exceptions.change-requested")
        .Register<ChangeRequest.Event.Granted>("exceptions.change-granted")
        .Register<ChangeRequest.Event.NotGranted>("exceptions.change-not-granted")
        .Register<ChangeRequest.Event.Applied>("exceptions.change-applied")
        .Register<FlowReadings.Measured>("exceptions.flow-measured")
        .Register<Recommendation.Event.Received>("exceptions.recommendation-received")
        .Register<Recommendation.Event.RoutedForApproval>("exceptions.recommendation-routed")
        .Register<Recommendation.Event.Accepted>("exceptions.recommendation-accepted")
        .Register<Recommendation.Event.NotAccepted>("exceptions.recommendation-not-accepted")
        .Register<Recommendation.Event.ActionLinked>("exceptions.recommendation-action-linked")
        .Register<Recommendation.Event.ActionStarted>("exceptions.recommendation-action-started")
        .Register<Recommendation.Event.ActionClosed>("exceptions.recommendation-action-closed")
        .Register<Recommendation.Event.ActionAssessed>("exceptions.recommendation-action-assessed")
        .Register<Recommendation.Event.Judged>("exceptions.recommendation-judged")
        .Register<RecommendationPolicy.Event.RuleSet>("exceptions.recommendation-rule-set")
        .Register<RecommendationPolicy.Event.RuleRemoved>("exceptions.recommendation-rule-removed");
}
