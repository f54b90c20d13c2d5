using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Changes;
using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Exceptions.Governing;

/// <summary>
/// Each ERP/MES fact reporting a governed field is held to the field's governed value. The first report of an entity sets it;
/// the value a granted change set, reported back, completes the change; a date moved later within what the policy lets
/// through becomes the governed value; anything else is a change nobody granted — an <see cref="CaseKind.UngovernedChange"/>
/// case, routed to the field's owner, which clears once the ERP reports the governed value again or a change granting the
/// reported one is approved.
/// </summary>
internal sealed class UngovernedChangeRule(ServiceStore store, GovernanceTables tables, CaseWriter cases, ChangeWriter changes)
{
    private readonly ImpactQueries _impact = new(store.Schema);

    /// <summary>A case's trigger: the field and the entity (<c>sales-order.promise-date/SO-1001</c>).</summary>
    public static string TriggerKeyOf(GovernableField field, string entityId) => $"{field.Key}/{entityId}";

    public static (GovernableField Field, string EntityId)? Parse(string triggerKey) =>
        triggerKey.IndexOf('/') is var slash and > 0 && GovernableField.All.FirstOrDefault(f => f.Key == triggerKey[..slash]) is { } field
            ? (field, triggerKey[(slash + 1)..]) : null;

    /// <summary>What a case on this trigger watches first: the entity's key in the graph.</summary>
    public static string WatchKeyOf(string triggerKey) => Parse(triggerKey) is var (field, id) ? field.WatchKey(id) : $"governed:{triggerKey}";

    /// <summary>Whether this fact reports a field governed at its site (read from the snapshot the batch took).</summary>
    public static bool Reports(object fact, IReadOnlyList<GovernedFieldEntry> governed) =>
        governed.Count > 0 && GovernableField.Reported(fact).Any(r => governed.Any(g => g.Field == r.Field));

    public async Task ObserveAsync(StoreTransaction tx, Observation seen, IReadOnlyList<GovernedFieldEntry> governed, CancellationToken ct)
    {
        var at = seen.Received.OccurredAt;
        foreach (var (field, entityId, value) in GovernableField.Reported(seen.Fact))
        {
            if (governed.FirstOrDefault(g => g.Field == field) is not { } governance) continue;
            var standing = await tables.ValueAsync(tx.Transaction, field, entityId, ct);
            if (standing is null)
            {
                await tables.KeepAsync(tx.Transaction, new GovernedValue(seen.Site, field, entityId, value, value, at, null), ct);
                continue;
            }
            // A report older than the last one changes nothing (the graph keeps the newer too).
            if (at < standing.ReportedAt || (value == standing.Reported && value != standing.Governed)) continue;
            var reported = standing with { Reported = value, ReportedAt = at };

            if (value == standing.Governed)
            {
                if (standing.AwaitingChange is { } granted)
                    await changes.DecideAsync(tx, granted, seen.Cause, ct, s => ChangeDecisions.Applied(s, seen.IntakeEventId, store.Clock.GetUtcNow()));
                await tables.KeepAsync(tx.Transaction, reported with { AwaitingChange = null }, ct);
                continue;
            }
            if (governance.FreeUpTo is { } limit && field.SizeOf(standing.Governed, value) is { } size && size >= 0 && size <= limit)
            {
                // Within what the policy lets through without a decision: the ERP's own move is the trail.
                await tables.KeepAsync(tx.Transaction, reported with { Governed = value, AwaitingChange = null }, ct);
                continue;
            }
            await tables.KeepAsync(tx.Transaction, reported, ct);
            await OpenAsync(tx, seen, governance, entityId, standing.Governed, value, ct);
        }
    }

    /// <summary>One open case per field and entity: a second ungoverned report while it is open re-assesses it instead.</summary>
    private async Task OpenAsync(StoreTransaction tx, Observation seen, GovernedFieldEntry governance, string entityId, string governedValue, string value, CancellationToken ct)
    {
        var field = governance.Field;
        var trigger = TriggerKeyOf(field, entityId);
        if (await cases.OpenCaseAsync(tx, CaseKind.UngovernedChange, trigger, ct) is not null) return;
        var caseId = seen.CaseId(field.Key);
        if (await cases.ExistsAsync(tx, caseId, ct)) return;
        var now = store.Clock.GetUtcNow();
        var impact = await _impact.OfEntityAsync(tx.Transaction, field, entityId, ct);
        var summary = $"{field.Key} of {entityId} changed from {governedValue} to {value} with no granted change ({seen.Received.Source})";
        await cases.DecideAsync(tx, caseId, seen.Cause, ct,
            s => CaseDecisions.Open(s, caseId, CaseKind.UngovernedChange, seen.Site, trigger, seen.Received.Subject, summary, now),
            s => CaseDecisions.Assess(s, impact, now),
            s => CaseDecisions.RouteTo(s, [new RoutedFunction(field.Key, governance.OwnerRole)], now));
    }

    /// <summary>What the entity touches now, while the reported value still differs from the governed one; cleared once they agree.</summary>
    public async Task<Picture> PictureAsync(StoreTransaction tx, string triggerKey, CancellationToken ct)
    {
        if (Parse(triggerKey) is not var (field, entityId)) return Picture.ClearedBecause("the field is no longer governable");
        var standing = await tables.ValueAsync(tx.Transaction, field, entityId, ct);
        if (standing is null || standing.Reported == standing.Governed)
            return Picture.ClearedBecause($"{field.Key} of {entityId} is {standing?.Governed ?? "unknown"}, as governed");
        return new Picture(await _impact.OfEntityAsync(tx.Transaction, field, entityId, ct));
    }
}
