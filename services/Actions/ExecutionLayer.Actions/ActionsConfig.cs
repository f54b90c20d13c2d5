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
using ExecutionLayer.EventSourcing.Hosting;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;

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

        builder.Services.AddEventStore(builder.Configuration, "actions", RegisterEvents)
            .AddTables(ActionsSchema.Create)
            .AddDeadlineHandler<OverdueHandler>()
            .AddDeadlineHandler<ClosureWindowHandler>();
        builder.Services.AddSingleton<IIntegrationEventMapper, ActionsIntegrationMapper>();
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<ActionRequestedConsumer>();
            bus.AddConsumer<ApprovalFollowUpsConsumer>();
            bus.AddConsumer<KpiMeasurementConsumer>();
        });
        builder.Services.AddOutboxPublisher("actions");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapActionsApi(this IEndpointRouteBuilder app) => app
        .MapCreateAction().MapActionCommands().MapReadingActions().MapRisk().MapSites().MapKpis().MapReviews().MapMetrics();

    private static void RegisterEvents(EventTypeRegistry types) => types
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
        .Register<SiteRulesChanged>("actions.site-rules-changed")
        .Register<KpiDefined>("actions.kpi-defined")
        .Register<KpiReadingRecorded>("actions.kpi-reading-recorded")
        .Register<ReviewOpened>("actions.review-opened")
        .Register<ReviewDecisionRecorded>("actions.review-decision-recorded")
        .Register<ReviewClosed>("actions.review-closed");
}
