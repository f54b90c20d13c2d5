using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Messaging;

/// <summary>The one place the bus is wired: transport, topology, retry and dead-lettering for every service.</summary>
public static class BusExtensions
{
    public static IServiceCollection AddExecutionLayerBus(
        this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? configure = null)
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

        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConfigureEndpointsCallback((_, queueName, endpoint) => ConfigureEndpoint(queueName, endpoint, settings));
            configure?.Invoke(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(settings.Host, settings.Port, settings.VirtualHost, h =>
                {
                    h.Username(settings.Username);
                    h.Password(settings.Password);
                    h.PublisherConfirmation = true;
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
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
        rabbit.BindDeadLetterQueue($"{queueName}_error", $"{queueName}_error");
    }
}
