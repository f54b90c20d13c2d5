using ExecutionLayer.Exceptions.Sites;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Exceptions.RegisteringSites;

/// <summary>A site as a write left it: <see cref="Registered"/> when the write made it, <see cref="Changed"/> when it appended anything.</summary>
public sealed record SiteWritten(SiteEntry Site, bool Registered, bool Changed);

/// <summary>The one write path for a site: decide on its stream, keep the registry's table in the same transaction.</summary>
internal static class RegisteredSites
{
    public static async Task<SiteWritten> DescribeAsync(
        ServiceStore store, SiteCatalog catalog, DescribeSite command, Provenance provenance, Func<Site, IReadOnlyList<Site.Event>> decide, CancellationToken ct)
    {
        await using var tx = await store.BeginAsync(ct);
        var decided = await tx.DecideAsync(Site.StreamId(command.Code), null, decide, _ => provenance, ct);
        var s = decided.State;
        var entry = new SiteEntry(s.Code, s.Name, s.TimeZone, s.Currency, decided.Version, store.Clock.GetUtcNow());
        if (decided.Events.Count > 0) await catalog.KeepAsync(tx.Transaction, entry, ct);
        await tx.CommitAsync(ct);
        if (decided.Events.Count > 0) catalog.Forget();
        return new SiteWritten(entry, decided.Events.Any(e => e is Site.Event.Registered), decided.Events.Count > 0);
    }
}
