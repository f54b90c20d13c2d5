using ExecutionLayer.Actions.ClosureQuality;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.EscalatingOverdue;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.Metrics;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Actions.Reviews;
using ExecutionLayer.Actions.Risk;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Actions.WorkingActions;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Types;

namespace ExecutionLayer.Actions;

/// <summary>Everything the actions service registers, in one place.</summary>
public static class ActionsConfig
{
    public static WebApplicationBuilder AddActionsService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Actions").Get<ActionsOptions>() ?? new ActionsOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SiteDirectory>();
        builder.Services.AddSingleton<ActionWriter>();
        builder.Services.AddSingleton<CreateActionHandler>();
        builder.Services.AddSingleton<ActionCommandRunner>();
        builder.Services.AddSingleton<KpiRegistry>();
        builder.Services.AddSingleton<AgendaBuilder>();
        builder.Services.AddSingleton<ExecutionMetrics>();

        builder.Services.AddServiceStore(builder.Configuration, "actions", Types(), ActionsSchema.Create).AddEventOutbox("actions");
        builder.Services.AddDeadlineHandler<OverdueHandler>().AddDeadlineHandler<ClosureWindowHandler>();
        builder.Services.AddSingleton<IEventMapper, ActionsEventMapper>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<ActionRequestedConsumer>();
            bus.AddConsumer<ApprovalFollowUpsConsumer>();
            bus.AddConsumer<KpiMeasurementConsumer>();
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder app) => app
        .MapCreateAction().MapActionCommands().MapReadingActions().MapRisk().MapSites().MapKpis().MapReviews().MapMetrics();

    /// <summary>The actions service's streams and events under their stable names: the ledger and the audit feed carry these.</summary>
    public static EventTypes Types() => new EventTypes()
        .Stream<ActionItem>("action-")
        .Stream<Kpi>("kpi-")
        .Stream(KpiRegistry.ReadingsStreamType, "readings-")
        .Stream<Review>("review-")
        .Stream<SiteSettings>("site-settings-")
        .Register<ActionCreated>("actions.action-created")
        .Register<RepeatFlagged>("actions.repeat-flagged")
        .Register<ClosureMarkedIneffective>("actions.closure-marked-ineffective")
        .Register<ActionAssigned>("actions.action-assigned")
        .Register<ActionStarted>("actions.action-started")
        .Register<ActionBlocked>("actions.action-blocked")
        .Register<ProgressNoted>("actions.progress-noted")
        .Register<DueDateChanged>("actions.due-date-changed")
        .Register<CompletionClaimed>("actions.completion-claimed")
        .Register<ClosureVerified>("actions.closure-verified")
        .Register<ClaimRejected>("actions.claim-rejected")
        .Register<ActionCancelled>("actions.action-cancelled")
        .Register<ActionReopened>("actions.action-reopened")
        .Register<OverdueEscalated>("actions.overdue-escalated")
        .Register<ClosureQualityAssessed>("actions.closure-quality-assessed")
        .Register<SiteSettings.Event.RulesChanged>("actions.site-rules-changed")
        .Register<Kpi.Event.Defined>("actions.kpi-defined")
        .Register<KpiReadingRecorded>("actions.kpi-reading-recorded")
        .Register<Review.Event.Opened>("actions.review-opened")
        .Register<Review.Event.DecisionRecorded>("actions.review-decision-recorded")
        .Register<Review.Event.Closed>("actions.review-closed");
}
