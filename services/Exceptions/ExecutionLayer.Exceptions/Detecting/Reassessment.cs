using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>What an open case touches now, and — when its deviation has cleared — why; for a hold, how much further it reached.</summary>
internal sealed record Picture(Impact Impact, string? Cleared = null, HoldStep? Propagated = null)
{
    public static Picture ClearedBecause(string why) => new(Impact.None, why);
}

/// <summary>
/// A new fact may change what the open cases watching it touch: each is re-assessed by its own rule,
/// recording only real changes, and resolved when its deviation has cleared.
/// </summary>
internal sealed class Reassessment(ServiceStore store, CaseWriter cases, RoutingTable routing, MachineDownRule machineDown, ShortageRule shortage,
    PromiseAtRiskRule promises, QualityHoldRule holds, Governing.UngovernedChangeRule ungoverned)
{
    private readonly CaseWatch _watch = new(store.Schema);

    /// <summary>
    /// Re-assesses once each open case watching a key the run touches, on the graph the whole run left, as caused by the last fact
    /// of the run that touched it.
    /// </summary>
    public async Task ObserveAsync(StoreTransaction tx, IReadOnlyList<Observation> run, CancellationToken ct)
    {
        var touched = await _watch.KeysOfAsync(tx.Transaction, [.. run.Select(seen => (seen.Site, seen.Fact))], ct);
        var lastTouching = new Dictionary<string, int>();
        for (var i = 0; i < run.Count; i++)
            foreach (var key in touched[i]) lastTouching[key] = i;
        foreach (var watching in await _watch.CasesWatchingAsync(tx.Transaction, lastTouching.Keys, ct))
        {
            var seen = run[watching.Watched.Max(key => lastTouching[key])];
            await ReassessAsync(tx, watching, seen.Cause, seen.Received.OccurredAt, ct);
        }
    }

    /// <summary>
    /// Re-assesses the open cases watching any of <paramref name="keys"/>: after a fact, or after a granted change moved a governed
    /// field (<paramref name="asOf"/>: when what moved them happened).
    /// </summary>
    public async Task ReassessAsync(StoreTransaction tx, IReadOnlyList<string> keys, Provenance cause, DateTimeOffset asOf, CancellationToken ct)
    {
        foreach (var watching in await _watch.CasesWatchingAsync(tx.Transaction, keys, ct))
            await ReassessAsync(tx, watching, cause, asOf, ct);
    }

    private async Task ReassessAsync(StoreTransaction tx, WatchingCase watching, Provenance cause, DateTimeOffset asOf, CancellationToken ct)
    {
        var (caseId, kind, key, site, _) = watching;
        var now = store.Clock.GetUtcNow();
        var picture = kind switch
        {
            CaseKind.QualityHold => await holds.PictureAsync(tx, key, ct),
            CaseKind.MachineDown => await machineDown.PictureAsync(tx, site, key, ct),
            CaseKind.Shortage => await shortage.PictureAsync(tx, key, ct),
            CaseKind.UngovernedChange => await ungoverned.PictureAsync(tx, key, ct),
            _ => await promises.PictureAsync(tx, site, key, asOf, ct),
        };
        if (picture.Cleared is { } cleared)
        {
            await cases.DecideAsync(tx, caseId, cause, ct, s => CaseDecisions.Assess(s, picture.Impact, now), s => CaseDecisions.Resolve(s, cleared, now));
            return;
        }
        await cases.DecideAsync(tx, caseId, cause, ct,
            s => picture.Propagated?.Invoke(s, now) ?? [],
            s => CaseDecisions.Assess(s, picture.Impact, now),
            s => CaseDecisions.Route(s, routing, now));
    }
}
