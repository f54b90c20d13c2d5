using ExecutionLayer.Actions.ClosureQuality;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.EscalatingOverdue;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.Metrics;
using ExecutionLayer.Actions.Objectives;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Actions.Reviews;
using ExecutionLayer.Actions.Risk;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Actions.WorkingActions;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Sites;
using MassTransit;

namespace ExecutionLayer.Actions;

/// <summary>Everything the actions service registers, in one place.</summary>
public static class ActionsConfig
{
    public static WebApplicationBuilder AddActionsService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Actions").Get<ActionsOptions>() ?? new ActionsOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SiteDirectory>();
        builder.Services.AddSingleton<SiteCatalog>();
        builder.Services.AddSingleton<ActionWriter>();
        builder.Services.AddSingleton<CreateActionHandler>();
        builder.Services.AddSingleton<ActionCommandRunner>();
        builder.Services.AddSingleton<KpiRegistry>();
        builder.Services.AddSingleton<AgendaBuilder>();
        builder.Services.AddSingleton<ExecutionMetrics>();
        builder.Services.AddSingleton<ActionIndex>();
        builder.Services.AddSingleton<ActionRisks>();
        builder.Services.AddSingleton<ReviewIndex>();
        builder.Services.AddSingleton<ObjectiveRegistry>();
        builder.Services.AddSingleton<ScorecardQuery>();

        builder.Services.AddServiceStore(builder.Configuration, "actions", Types(), s => ActionsSchema.Create(s) + SiteCatalog.Create(s) + ObjectiveRegistry.Create(s)).AddEventOutbox("actions");
        builder.Services.AddDeadlineHandler<OverdueHandler>().AddDeadlineHandler<ClosureWindowHandler>();
        builder.Services.AddSingleton<IEventMapper, ActionsEventMapper>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<ActionRequestedConsumer>();
            bus.AddConsumer<ApprovalFollowUpsConsumer>();
            bus.AddConsumer<RecommendationAcceptedConsumer>();
            bus.AddConsumer<KpiMeasurementConsumer, KpiMeasurementConsumerDefinition>();
        }, siteReplicaOf: "actions");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder app) => app
        .MapCreateActionApi().MapWorkingActionsApi().MapReadingActionsApi().MapRiskApi().MapSitesApi().MapKpisApi().MapReviewsApi().MapMetricsApi()
        .MapObjectivesApi().MapScorecardApi();

    /// <summary>The actions service's streams and events under their stable names: the ledger and the audit feed carry these.</summary>
    public static EventTypes Types() => new EventTypes()
        .Stream<ActionItem>("action-")
        .Stream<Kpi>("kpi-")
        .Stream(KpiRegistry.ReadingsStreamType, "readings-")
        .Stream<Review>("review-")
        .Stream<Objective>(Objective.StreamPrefix)
        .Stream<SiteSettings>("site-settings-")
        .Register<ActionItem.Event.Created>("actions.action-created")
        .Register<ActionItem.Event.RepeatFlagged>("actions.repeat-flagged")
        .Register<ActionItem.Event.ClosureMarkedIneffective>("actions.closure-marked-ineffective")
        .Register<ActionItem.Event.Assigned>("actions.action-assigned")
        .Register<ActionItem.Event.Started>("actions.action-started")
        .Register<ActionItem.Event.Blocked>("actions.action-blocked")
        .Register<ActionItem.Event.ProgressNoted>("actions.progress-noted")
        .Register<ActionItem.Event.DueDateChanged>("actions.due-date-changed")
        .Register<ActionItem.Event.CompletionClaimed>("actions.completion-claimed")
        .Register<ActionItem.Event.ClosureVerified>("actions.closure-verified")
        .Register<ActionItem.Event.ClaimRejected>("actions.claim-rejected")
        .Register<ActionItem.Event.Cancelled>("actions.action-cancelled")
        .Register<ActionItem.Event.Reopened>("actions.action-reopened")
        .Register<ActionItem.Event.OverdueEscalated>("actions.overdue-escalated")
        .Register<ActionItem.Event.ClosureQualityAssessed>("actions.closure-quality-assessed")
        .Register<SiteSettings.Event.RulesChanged>("actions.site-rules-changed")
        .Register<Kpi.Event.Defined>("actions.kpi-defined")
        .Register<KpiReadingRecorded>("actions.kpi-reading-recorded")
        .Register<Review.Event.Opened>("actions.review-opened")
        .Register<Review.Event.DecisionRecorded>("actions.review-decision-recorded")
        .Register<Review.Event.Closed>("actions.review-closed")
        .Register<Objective.Event.Defined>("actions.objective-defined")
        .Register<Objective.Event.Retired>("actions.objective-retired");
}
