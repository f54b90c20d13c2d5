using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.Messaging.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>Publishes the service's stored events (audit feed + mapped integration events) from its log.</summary>
    public static IServiceCollection AddOutboxPublisher(this IServiceCollection services, string service)
    {
        services.AddSingleton(new OutboxOptions { Service = service });
        services.AddSubscriptionRunner(sp => new OutboxPublisher(
            sp.GetRequiredService<EventStore>(), sp.GetRequiredService<IBus>(), sp.GetServices<IIntegrationEventMapper>(),
            sp.GetRequiredService<OutboxOptions>(), sp.GetRequiredService<ILogger<OutboxPublisher>>()));
        return services;
    }
}
