using ExecutionLayer.Contracts.Sites;
using ExecutionLayer.Store.Sites;
using MassTransit;

namespace ExecutionLayer.Exceptions.RegisteringSites;

/// <summary>
/// A service started with a replica of the registry asks for every site: each is published again as it
/// stands. Published straight to the bus, not through the outbox: nothing new happened, so nothing is
/// appended; a lost answer is asked for again at the replica's next start.
/// </summary>
public sealed class SiteRegistryRequestedConsumer(SiteCatalog sites) : IConsumer<SiteRegistryRequested>
{
    public async Task Consume(ConsumeContext<SiteRegistryRequested> context)
    {
        foreach (var s in (await sites.AllAsync(context.CancellationToken)).Values)
            await context.Publish(new SitePublished(s.Code, s.Name, s.TimeZone, s.Currency, s.Version, s.ChangedAt), context.CancellationToken);
    }
}
