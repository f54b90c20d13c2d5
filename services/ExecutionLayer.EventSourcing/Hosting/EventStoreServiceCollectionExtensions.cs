using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Inbox;
using ExecutionLayer.EventSourcing.Schema;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.Store.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Hosting;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// The store for one service: its own connection string (so it can move to its own server) and
    /// schema, migrated at start-up before anything else runs; inbox, deadlines, readiness and the
    /// mapping of store failures to problem responses.
    /// </summary>
    public static EventStoreBuilder AddEventStore(
        this IServiceCollection services, IConfiguration configuration, string schema, Action<EventTypeRegistry> registerTypes,
        string connectionStringName = "Postgres", EventStoreOptions? options = null)
    {
        var connectionString = configuration.GetConnectionString(connectionStringName)
            ?? throw new InvalidOperationException($"Connection string '{connectionStringName}' is not configured (env ConnectionStrings__{connectionStringName}).");
        var types = new EventTypeRegistry();
        registerTypes(types);

        services.AddSingleton(_ => ServiceDataSource.Build(connectionString, schema));
        services.AddSingleton(types);
        services.AddSingleton(sp => new EventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), new SchemaName(schema), types, sp.GetRequiredService<TimeProvider>(), options,
            sp.GetServices<IInlineProjectionRegistration>().Select(r => r.Projection)));
        services.AddSingleton<MessageInbox>();
        services.AddSingleton<DeadlineStore>();
        services.AddHostedService<SchemaMigrationHost>();
        services.AddReadinessCheck<PostgresHealthCheck>("postgres");
        services.AddReadinessCheck<SubscriptionsHealthCheck>("subscriptions");
        services.AddExceptionHandler<EventStoreProblemHandler>();
        services.AddExceptionHandler<ExecutionLayer.Store.Postgres.PostgresProblemHandler>();
        return new EventStoreBuilder(services);
    }
}
