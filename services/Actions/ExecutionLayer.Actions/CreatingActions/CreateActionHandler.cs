using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.CreatingActions;

/// <summary>
/// Creates an action — from the API, a review, an exception case or an approval alike — and, when it
/// works on a KPI and root cause that an action verified closed within the site's repeat window also
/// did, flags it as a repeat of that action and marks that earlier closure ineffective, in one transaction.
/// </summary>
public sealed class CreateActionHandler(ActionWriter writer, SiteDirectory sites, ServiceStore store)
{
    public async Task<Decided<ActionItem, ActionItem.Event>> HandleAsync(StoreTransaction tx, CreateAction command, Provenance provenance, CancellationToken ct)
    {
        var now = store.Clock.GetUtcNow();
        var repeat = await RepeatOfAsync(tx.Transaction, command, now, ct);
        var written = await writer.DecideAsync(tx, command.ActionId, provenance, ct, s => ActionDecisions.Create(s, command, repeat, now));
        foreach (var flagged in written.Events.OfType<ActionItem.Event.RepeatFlagged>())
            await writer.DecideAsync(tx, flagged.RepeatOf, provenance, ct, s => ActionDecisions.MarkIneffective(s, command.ActionId, now));
        return written;
    }

    /// <summary>The most recently verified action at the site sharing at least one linked KPI and at least one root-cause tag, within the window.</summary>
    private async Task<RepeatCandidate?> RepeatOfAsync(NpgsqlTransaction tx, CreateAction command, DateTimeOffset now, CancellationToken ct)
    {
        if (command.Kpis.Count == 0 || command.RootCauseTags.Count == 0) return null;
        var window = (await sites.RulesAsync(tx, command.Site, ct)).RepeatWindowDays;
        await using var query = Sql.Command(tx, $"""
            SELECT action_id, kpis, tags FROM {store.Schema}.action_index
            WHERE site = $1 AND status = 'Verified' AND verified_at >= $2 AND kpis && $3 AND tags && $4 AND action_id <> $5
            ORDER BY verified_at DESC, action_id LIMIT 1
            """, [command.Site, now.AddDays(-window), command.Kpis, command.RootCauseTags, command.ActionId]);
        await using var reader = await query.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new RepeatCandidate(reader.GetGuid(0),
            [.. reader.GetFieldValue<string[]>(1).Intersect(command.Kpis)], [.. reader.GetFieldValue<string[]>(2).Intersect(command.RootCauseTags)]);
    }
}
