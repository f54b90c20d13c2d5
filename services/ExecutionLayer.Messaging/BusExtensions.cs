using ExecutionLayer.Messaging.Sites;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Messaging;

/// <summary>The one place the bus is wired: transport, topology, retry and dead-lettering for every service.</summary>
public static class BusExtensions
{
    /// <param name="siteReplicaOf">The service whose copy of the site registry this bus keeps (every service but the registry's owner).</param>
    public static IServiceCollection AddExecutionLayerBus(
        this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? configure = null, string? siteReplicaOf = null)
    {
        var settings = RabbitMqSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            // A service that cannot reach the broker must not report itself started.
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        // A channel the broker keeps refusing (RabbitMQ 3.10's quorum-queue bug after a node loss) is renewed with the bus.
        // Wall time, not the services' TimeProvider: the broker's behaviour is watched, not the plant's business clock.
        services.AddSingleton(new PublishRefusals(TimeProvider.System));
        services.AddSingleton<RefusedPublishObserver>();
        services.AddPublishObserver(sp => sp.GetRequiredService<RefusedPublishObserver>());
        services.AddSendObserver(sp => sp.GetRequiredService<RefusedPublishObserver>());
        services.AddMassTransit(bus =>
        {
            // Off: it would report from every service to a host outside the plant's network.
            bus.ConfigureUsageTelemetryOptions(usage => usage.Enabled = false);
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConfigureEndpointsCallback((_, queueName, endpoint) => ConfigureEndpoint(queueName, endpoint, settings));
            configure?.Invoke(bus);
            if (siteReplicaOf is not null) bus.AddSiteReplicaConsumer(siteReplicaOf);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(settings.Host, settings.Port, settings.VirtualHost, h =>
                {
                    settings.ConfigureHost(h);
                    h.PublisherConfirmation = true;
                });
                // MassTransit derives each _error and _skipped queue from its receive queue, arguments and all.
                // An error queue keeps what it holds: no delivery limit, and no dead-lettering back into itself.
                rabbit.SendTopology.ConfigureErrorSettings = PlainQuorum;
                rabbit.SendTopology.ConfigureDeadLetterSettings = PlainQuorum;
                rabbit.ConfigureEndpoints(context);
            });
        });
        if (siteReplicaOf is not null) services.AddSiteReplicaRequest(siteReplicaOf);
        return services;
    }

    /// <summary>
    /// Quorum queues survive a broker restart; the delivery limit stops a message that crashes its
    /// consumer (so is never acked) from cycling forever — the broker dead-letters it into the same
    /// "_error" queue where MassTransit puts messages whose handler kept throwing, so an operator
    /// finds every poison message in one place and can move it back.
    /// </summary>
    private static void ConfigureEndpoint(string queueName, IReceiveEndpointConfigurator endpoint, RabbitMqSettings settings)
    {
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit) return;
        rabbit.SetQuorumQueue();
        rabbit.SetQueueArgument("x-delivery-limit", settings.DeliveryLimit);
        // Declared up front (a message dead-lettered before the first fault would otherwise be dropped), exactly as
        // the error transport declares it later: two declarations that differ make the broker close the channel.
        rabbit.BindDeadLetterQueue($"{queueName}_error", $"{queueName}_error", queue => queue.SetQueueArgument(QueueType, Quorum));
    }

    private const string QueueType = "x-queue-type";
    private const string Quorum = "quorum";

    private static void PlainQuorum(IRabbitMqQueueConfigurator queue)
    {
        queue.SetQueueArgument("x-dead-letter-exchange", null);
        queue.SetQueueArgument("x-delivery-limit", null);
        queue.SetQueueArgument(QueueType, Quorum);
    }
}
