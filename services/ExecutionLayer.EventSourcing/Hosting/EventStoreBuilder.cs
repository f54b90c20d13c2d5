using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.EventSourcing.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>Registers a service's projections and deadline handlers next to its store, in one visible place.</summary>
public sealed class EventStoreBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>A read model updated in the append's own transaction: always exactly as fresh as the stream.</summary>
    public EventStoreBuilder AddInlineProjection<T>() where T : class, IProjection
    {
        Services.AddSingleton<T>();
        Services.AddSingleton<IInlineProjectionRegistration>(sp => new InlineProjectionRegistration(sp.GetRequiredService<T>()));
        return this;
    }

    /// <summary>A read model that follows the committed log in the background, one instance across the cluster at a time.</summary>
    public EventStoreBuilder AddAsyncProjection<T>(SubscriptionOptions? options = null) where T : class, IProjection
    {
        Services.AddSingleton<T>();
        Services.AddSubscriptionRunner(sp => new ProjectionRunner(
            sp.GetRequiredService<EventStore>(), sp.GetRequiredService<T>(), options ?? new SubscriptionOptions(),
            sp.GetRequiredService<ILogger<ProjectionRunner>>()));
        return this;
    }

    /// <summary>The service's own tables, created at start-up from <paramref name="createSql"/> (given the schema name).</summary>
    public EventStoreBuilder AddTables(Func<string, string> createSql)
    {
        Services.AddSingleton<IHostedService>(sp => new ServiceTablesHost(sp.GetRequiredService<EventStore>(), createSql));
        return this;
    }

    public EventStoreBuilder AddDeadlineHandler<T>(DeadlineOptions? options = null) where T : class, IDeadlineHandler
    {
        Services.AddSingleton<IDeadlineHandler, T>();
        Services.TryAddSingleton(options ?? new DeadlineOptions());
        if (Services.All(d => d.ServiceType != typeof(DeadlinePoller)))
        {
            Services.AddSingleton<DeadlinePoller>();
            Services.AddHostedService(sp => sp.GetRequiredService<DeadlinePoller>());
        }
        return this;
    }
}

public static class SubscriptionRunnerRegistration
{
    /// <summary>Runs the subscription as a hosted service and lists it for this host's readiness check.</summary>
    public static IServiceCollection AddSubscriptionRunner<T>(this IServiceCollection services, Func<IServiceProvider, T> create) where T : SubscriptionRunner
    {
        var key = Guid.NewGuid();
        services.AddKeyedSingleton<SubscriptionRunner>(key, (sp, _) => create(sp));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<SubscriptionRunner>(key));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<SubscriptionRunner>(key));
        return services;
    }
}

internal interface IInlineProjectionRegistration
{
    IProjection Projection { get; }
}

internal sealed record InlineProjectionRegistration(IProjection Projection) : IInlineProjectionRegistration;
