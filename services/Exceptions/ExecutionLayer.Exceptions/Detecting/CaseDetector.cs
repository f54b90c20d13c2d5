using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>One detection rule, bound to the fact it runs on.</summary>
internal delegate Task Rule(StoreTransaction tx, CancellationToken ct);

/// <summary>
/// The detection rules, run on each fact right after the graph took it: a work center going down, a
/// quality hold, a supply arriving after an order needs it, a promise date that no longer holds — and
/// then the re-assessment of the open cases the fact touches.
/// </summary>
internal sealed class CaseDetector(ExceptionsOptions options, MachineDownRule machineDown, QualityHoldRule holds, ShortageRule shortage,
    PromiseAtRiskRule promises, Governing.UngovernedChangeRule ungoverned, Reassessment reassessment, CaseWriter cases, ServiceStore store)
{
    private readonly CaseWatch _watch = new(store.Schema);

    /// <summary>The rules this fact is for at its site, besides re-assessing the cases that watch it: none, for most facts.</summary>
    /// <param name="governed">The fields governed at the fact's site, as the batch read them.</param>
    public IReadOnlyList<Rule> RulesFor(Observation seen, IReadOnlyList<Governing.GovernedFieldEntry> governed)
    {
        var detection = options.DetectionFor(seen.Site);
        var rules = new List<Rule>(2);
        // First: a change nobody granted is judged on the governed value, before the picture it moves is.
        if (Governing.UngovernedChangeRule.Reports(seen.Fact, governed)) rules.Add((tx, ct) => ungoverned.ObserveAsync(tx, seen, governed, ct));
        switch (seen.Fact)
        {
            case MachineStateChanged change:
                rules.Add((tx, ct) => machineDown.ObserveAsync(tx, seen, change, ct));
                break;
            case QualityHoldRaised hold:
                rules.Add((tx, ct) => holds.RaisedAsync(tx, seen, hold, ct));
                break;
            case QualityHoldReleased release:
                rules.Add((tx, ct) => holds.ReleasedAsync(tx, release, ct));
                break;
            case SupplierDeliveryDelayed delay when detection.Shortages:
                rules.Add((tx, ct) => shortage.ObserveAsync(tx, seen, delay.PurchaseOrderId, ct));
                break;
            case PurchaseOrderPlaced placed when detection.Shortages:
                rules.Add((tx, ct) => shortage.ObserveAsync(tx, seen, placed.PurchaseOrderId, ct));
                break;
        }
        if (detection.PromiseDates && PromiseAtRiskRule.CanMove(seen.Fact)) rules.Add((tx, ct) => promises.ObserveAsync(tx, seen, ct));
        return rules;
    }

    /// <summary>The fact's rules, then the re-assessment of the open cases watching it — skipped when none does (asked after the rules, which may have opened one).</summary>
    public async Task DetectAsync(StoreTransaction tx, Observation seen, IReadOnlyList<Rule> rules, WatchedKeys watched, CancellationToken ct)
    {
        foreach (var rule in rules) await rule(tx, ct);
        if (await watched.AnyAsync(tx, seen.Site, seen.Fact, ct)) await reassessment.ObserveAsync(tx, seen, ct);
    }

    /// <summary>
    /// What open cases watch among the keys a batch of facts touches, so the facts no rule is for and no
    /// open case watches can skip detection altogether (most of a busy intake).
    /// </summary>
    public WatchedKeys Watching(IEnumerable<(string Site, object Fact)> facts) =>
        new(_watch, cases, [.. facts.SelectMany(f => CaseWatch.KeysOf(f.Site, f.Fact) ?? []).Distinct()]);
}

/// <summary>
/// The keys of a batch that open cases watch, read once and read again only after a case's watch was
/// rewritten. Exact within the graph's turn: every write that adds to what cases watch (a case opened or
/// re-assessed) takes that turn; a case resolved meanwhile elsewhere only costs a re-assessment that finds it closed.
/// </summary>
internal sealed class WatchedKeys(CaseWatch watch, CaseWriter cases, IReadOnlyCollection<string> keys)
{
    private HashSet<string>? _watched;
    private long _asOf;

    /// <summary>Whether an open case may watch this fact: true for a fact whose keys need the graph to know.</summary>
    public async Task<bool> AnyAsync(StoreTransaction tx, string site, object fact, CancellationToken ct)
    {
        if (CaseWatch.KeysOf(site, fact) is not { } touched) return true;
        var rewrites = cases.WatchRewrites;
        if (_watched is null || rewrites != _asOf)
        {
            _watched = await watch.WatchedAsync(tx.Transaction, keys, ct);
            _asOf = rewrites;
        }
        return touched.Any(_watched.Contains);
    }
}
