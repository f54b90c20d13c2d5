using ExecutionLayer.Audit.Completeness;
using ExecutionLayer.Audit.Exporting;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Audit.PointInTime;
using ExecutionLayer.Audit.Reading;
using ExecutionLayer.Audit.Recording;
using ExecutionLayer.Audit.Signing;
using ExecutionLayer.Audit.Verifying;
using ExecutionLayer.Messaging;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.Store.Postgres;
using MassTransit;

namespace ExecutionLayer.Audit;

/// <summary>Everything the audit service registers, in one place.</summary>
public static class AuditConfig
{
    public static WebApplicationBuilder AddAuditService(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Audit").Get<AuditOptions>() ?? new AuditOptions();
        var connections = LedgerConnections.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(connections);

        // The migration runs as the owner; everything else — the only data source in the container — as the append-only role.
        builder.Services.AddHostedService<LedgerMigrationHost>();
        builder.Services.AddSingleton(_ => ServiceDataSource.Build(connections.AppendConnectionString, "audit"));
        builder.Services.AddSingleton(sp => SigningKeys.From(options.Signing, sp.GetRequiredService<ILoggerFactory>().CreateLogger("ExecutionLayer.Audit.Signing")));
        builder.Services.AddSingleton<CheckpointSignal>();
        builder.Services.AddSingleton<Checkpoints>();
        builder.Services.AddSingleton<LedgerAppender>();
        builder.Services.AddSingleton<ChainVerifier>();
        builder.Services.AddSingleton<Timelines>();
        builder.Services.AddSingleton<LedgerCompleteness>();
        builder.Services.AddHostedService<CheckpointSigner>();
        builder.Services.AddReadinessCheck<PostgresHealthCheck>("postgres");
        builder.Services.AddExceptionHandler<PostgresProblemHandler>();
        builder.Services.AddHttpClient(PointInTimeApi.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));

        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<LedgerConsumer, LedgerConsumerDefinition>();
            bus.AddConsumer<LedgerEntryConsumer, LedgerEntryConsumerDefinition>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app) => app
        .MapEntriesApi().MapTimelineApi().MapAuditedDecisionsApi().MapPointInTimeApi().MapCompletenessApi().MapVerifyingApi().MapExportApi();
}
