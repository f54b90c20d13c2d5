using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Intake;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.Store.Hosting;

public static class StoreRegistration
{
    /// <summary>
    /// A service's event store on Marten: its own connection string (so it can move to its own server) and
    /// schema, built by <see cref="StoreConfiguration"/>; the async daemon HotCold, so that with several
    /// instances one at a time publishes and projects; migrated before anything else starts; the inbox,
    /// timers and intake keys we keep beside it; readiness, and store failures as problem responses.
    /// </summary>
    /// <param name="tables">The service's own tables' SQL, given the schema name (idempotent: IF NOT EXISTS).</param>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddServiceStore(
        this IServiceCollection services, IConfiguration configuration, string schema, EventTypes types, Func<string, string>? tables = null,
        string connectionStringName = "Postgres")
    {
        var connectionString = configuration.GetConnectionString(connectionStringName)
            ?? throw new InvalidOperationException($"Connection string '{connectionStringName}' is not configured (env ConnectionStrings__{connectionStringName}).");
        services.AddSingleton(_ => ServiceDataSource.Build(connectionString, schema));
        services.AddSingleton(types);
        services.AddSingleton(new ServiceTables(tables));
        // Before Marten's own hosted services, so its "starting" phase has migrated when the daemon starts.
        services.AddSingleton<IHostedService, StoreSchemaHost>();
        var marten = services.AddMarten(_ =>
            {
                var options = new StoreOptions();
                StoreConfiguration.Apply(options, schema, types);
                return options;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold);
        services.AddSingleton<ServiceStore>();
        services.AddSingleton<MessageInbox>();
        services.AddSingleton<Deadlines.Deadlines>();
        services.AddSingleton<IntakeKeys>();
        services.AddReadinessCheck<PostgresHealthCheck>("postgres");
        services.TryAddSingleton<SubscriptionFailures>();
        services.AddSingleton<EventLagMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<EventLagMonitor>());
        services.AddReadinessCheck<EventLagHealthCheck>("event-daemon");
        services.AddExceptionHandler<StoreProblemHandler>();
        services.AddExceptionHandler<PostgresProblemHandler>();
        return marten;
    }

    /// <summary>Fires the service's timers of one kind through <typeparamref name="T"/>; the poller runs once however many kinds there are.</summary>
    public static IServiceCollection AddDeadlineHandler<T>(this IServiceCollection services, DeadlineOptions? options = null) where T : class, IDeadlineHandler
    {
        services.AddSingleton<IDeadlineHandler, T>();
        services.TryAddSingleton(options ?? new DeadlineOptions());
        if (services.All(d => d.ServiceType != typeof(DeadlinePoller)))
        {
            services.AddSingleton<DeadlinePoller>();
            services.AddHostedService(sp => sp.GetRequiredService<DeadlinePoller>());
        }
        return services;
    }
}
