using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>One detection rule, bound to the fact it runs on.</summary>
internal delegate Task Rule(StoreTransaction tx, CancellationToken ct);

/// <summary>
/// The detection rules, run on the facts right after the graph took them: a work center going down, a quality hold, a supply
/// arriving after an order needs it, a change nobody granted — each on its own fact, as the graph stood right after it — then,
/// for a run of facts at once, the promise dates it may have moved and the re-assessment of the open cases it touches.
/// </summary>
internal sealed class CaseDetector(ExceptionsOptions options, MachineDownRule machineDown, QualityHoldRule holds, ShortageRule shortage,
    PromiseAtRiskRule promises, Governing.UngovernedChangeRule ungoverned, Reassessment reassessment)
{
    /// <summary>
    /// The rules this fact is for on its own, at its site: none, for most facts — those are detected on together, in runs.
    /// </summary>
    /// <param name="governed">The fields governed at the fact's site, as the batch read them.</param>
    public IReadOnlyList<Rule> RulesFor(Observation seen, IReadOnlyList<Governing.GovernedFieldEntry> governed)
    {
        var detection = options.DetectionFor(seen.Site);
        var rules = new List<Rule>(2);
        // First: a change nobody granted is judged on the governed value, before the picture it moves is.
        if (Governing.UngovernedChangeRule.Reports(seen.Fact, governed)) rules.Add((tx, ct) => ungoverned.ObserveAsync(tx, seen, governed, ct));
        switch (seen.Fact)
        {
            // Only a stop opens a case; a work center running again is for the re-assessment of the case on it.
            case MachineStateChanged { State: MachineState.Down } change:
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
        return rules;
    }

    /// <summary>
    /// Detection on a run the graph has just taken: the rules of its fact (a run with rules is that one fact), then the promise dates
    /// the run may have moved, then the re-assessment of the open cases watching what it touched — each case once.
    /// </summary>
    public async Task DetectAsync(StoreTransaction tx, IReadOnlyList<Observation> run, IReadOnlyList<Rule> rules, CancellationToken ct)
    {
        foreach (var rule in rules) await rule(tx, ct);
        await promises.ObserveAsync(tx, run, ct);
        await reassessment.ObserveAsync(tx, run, ct);
    }
}
