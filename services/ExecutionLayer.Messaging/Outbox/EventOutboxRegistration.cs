using ExecutionLayer.Store.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExecutionLayer.Messaging.Outbox;

public static class EventOutboxRegistration
{
    /// <summary>
    /// Publishes the service's stored events (audit feed + the registered <see cref="IEventMapper"/>s'
    /// integration events) from Marten's async daemon. The service adds the daemon itself, HotCold when
    /// it runs more than one instance.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddEventOutbox(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, string service)
    {
        // TryAdd: a kill-safety test registers options with its fault hook first.
        marten.Services.TryAddSingleton(new EventOutboxOptions { Service = service });
        marten.Services.TryAddSingleton<SubscriptionFailures>();
        marten.Services.ConfigureMarten(options => options.Schema.For<OutboxSequence>());
        marten.AddSubscriptionWithServices<EventOutbox>(ServiceLifetime.Singleton, subscription =>
        {
            subscription.Name = EventOutbox.NameFor(service);
            subscription.Options.BatchSize = 256;
        });
        return marten;
    }
}
