using ExecutionLayer.Exceptions.Sites;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Exceptions.RegisteringSites;

/// <summary>One site of <c>Exceptions:SeedSites</c>: what a fresh registry starts with.</summary>
public sealed record SeedSite(string Code, string Name, string TimeZone, string Currency = DescribeSite.DefaultCurrency);

/// <summary>
/// Registers the configured seed sites that are not registered yet, before the service takes requests, so
/// a fresh system knows its plants without a call. A registered site is never overwritten from
/// configuration: after the first start the registry, changed through the API, is the one source.
/// </summary>
internal sealed class SiteSeed(ServiceStore store, SiteCatalog catalog, ExceptionsOptions options, ILogger<SiteSeed> logger) : IHostedService
{
    public const string Actor = "exceptions:seed";

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var seed in options.SeedSites)
        {
            var command = DescribeSite.Check(seed.Code, seed.Name, seed.TimeZone, seed.Currency, out var errors)
                ?? throw new InvalidOperationException($"Exceptions:SeedSites holds an invalid site {seed.Code}: {string.Join(" ", errors.SelectMany(e => e.Value))}");
            if (await RegisteredSites.DescribeAsync(store, catalog, command, new Provenance(Actor: Actor, Site: command.Code), s => SiteDecisions.Seed(s, command, store.Clock.GetUtcNow()), ct) is { Changed: true })
                logger.LogInformation("Registered seed site {Site} ({Name}, {TimeZone})", command.Code, command.Name, command.TimeZone);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
