using ExecutionLayer.Contracts.Sites;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.Messaging.Sites;

/// <summary>
/// Keeps a service's copy of the site registry from what the registry publishes. No inbox: taking a site
/// in is idempotent by its version, so a redelivery or a message overtaken by a later one changes nothing.
/// </summary>
public sealed class SiteReplicaConsumer(ServiceStore store, SiteCatalog sites) : IConsumer<SitePublished>
{
    public async Task Consume(ConsumeContext<SitePublished> context)
    {
        var m = context.Message;
        await using var tx = await store.BeginAsync(context.CancellationToken);
        await sites.KeepAsync(tx.Transaction, new SiteEntry(m.Code, m.Name, m.TimeZone, m.Currency, m.Version, m.ChangedAt), context.CancellationToken);
        await tx.CommitAsync(context.CancellationToken);
        sites.Forget();
    }
}

/// <summary>On start, once the bus is up, asks the registry for every site (see <see cref="SiteRegistryRequested"/>).</summary>
public sealed class SiteReplicaRequest(IBus bus, TimeProvider clock, string service) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => bus.Publish(new SiteRegistryRequested(service, clock.GetUtcNow()), ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

public static class SiteReplicaRegistration
{
    /// <summary>
    /// The service's replica of the registry (<see cref="BusExtensions.AddExecutionLayerBus"/> adds it). The queue is named for
    /// the service: with the consumer's own name, every service would share one queue and each site would reach only one of them.
    /// </summary>
    public static void AddSiteReplicaConsumer(this IBusRegistrationConfigurator bus, string service) =>
        bus.AddConsumer<SiteReplicaConsumer>().Endpoint(e => e.Name = $"{service}-site-replica");

    /// <summary>After AddMassTransit: hosted services start in order, and the bus's own waits until the bus has started.</summary>
    public static void AddSiteReplicaRequest(this IServiceCollection services, string service) =>
        services.AddHostedService(sp => new SiteReplicaRequest(sp.GetRequiredService<IBus>(), sp.GetRequiredService<TimeProvider>(), service));
}
