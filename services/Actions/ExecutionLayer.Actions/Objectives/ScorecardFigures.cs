using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;

namespace ExecutionLayer.Actions.Objectives;

public enum ScoreStatus { Unknown, Green, Amber, Red }

/// <summary>One KPI as an objective is measured by it: its weight, the reading that stood at the scorecard's moment, status, trend and attainment.</summary>
public sealed record KpiOnCard(string Site, string Kpi, decimal Weight, decimal? Latest, DateTimeOffset? LatestAt, KpiStatus Status, TrendDirection Trend, decimal? Attainment);

/// <summary>
/// How the actions serving an objective are doing: open and overdue now; of those due in the period (by their original due date),
/// how many were verified on or before it; how many verified in the period did not move their KPIs.
/// </summary>
public sealed record ActionHealth(int Open, int Overdue, int DueInPeriod, int ClosedOnTime, double? OnTimeClosureRate, int ClosedWithoutKpiMovement)
{
    public static ActionHealth None { get; } = new(0, 0, 0, 0, null, 0);
}

/// <summary>An objective on the scorecard, with its children's rolled-up scores folded into its own.</summary>
public sealed record ObjectiveOnCard(
    string ObjectiveId, string Name, ObjectiveLevel Level, string? Site, string? Department, string? Parent, Perspective Perspective, string Owner, string Period,
    IReadOnlyList<KpiOnCard> Kpis, decimal? Score, decimal? RolledScore, ScoreStatus Status, ActionHealth Actions, IReadOnlyList<string> Flags,
    IReadOnlyList<string> Children);

/// <summary>
/// The scorecard's arithmetic, as documented (README, Objectives and the scorecard):
/// <list type="bullet">
/// <item>a KPI's attainment is 1 at or better than its target, 0 at or worse than its red threshold, and in between the share of the way
/// from red to target the reading has come: (reading − red) / (target − red); a KPI with no reading has none;</item>
/// <item>an objective's score is the weighted mean of its KPIs' attainments (those with a reading);</item>
/// <item>its rolled score is the mean of its own score and each child objective's rolled score — its KPIs count as one voice
/// beside each objective serving it;</item>
/// <item>status: green from 0.8, amber from 0.5, red below; unknown with no score;</item>
/// <item>flag <c>no-one-working</c>: a KPI of the objective is red and no open action serves it.</item>
/// </list>
/// </summary>
public static class ScorecardFigures
{
    public const string NoOneWorking = "no-one-working";

    /// <summary>Some of the objective's KPIs are at sites the caller does not see: its score is over the ones they do.</summary>
    public const string Partial = "partial";

    public static decimal? Attainment(KpiDefinition definition, decimal? reading)
    {
        if (reading is not { } value) return null;
        if (definition.Target == definition.Red) return definition.IsBetter(definition.Red, value) ? 0m : 1m;
        return Math.Round(Math.Clamp((value - definition.Red) / (definition.Target - definition.Red), 0m, 1m), 4);
    }

    public static decimal? Score(IReadOnlyList<KpiOnCard> kpis)
    {
        var measured = kpis.Where(k => k.Attainment is not null).ToList();
        var weight = measured.Sum(k => k.Weight);
        return weight == 0 ? null : Math.Round(measured.Sum(k => k.Weight * k.Attainment!.Value) / weight, 4);
    }

    public static decimal? Rolled(decimal? own, IEnumerable<decimal?> children)
    {
        var voices = children.Prepend(own).OfType<decimal>().ToList();
        return voices.Count == 0 ? null : Math.Round(voices.Average(), 4);
    }

    public static ScoreStatus StatusOf(decimal? score) => score switch
    {
        null => ScoreStatus.Unknown,
        >= 0.8m => ScoreStatus.Green,
        >= 0.5m => ScoreStatus.Amber,
        _ => ScoreStatus.Red,
    };

    /// <summary>
    /// The objectives on the card, each scored and rolled up through the cascade (children first); an objective whose parent is
    /// not on the card stands at the top.
    /// </summary>
    public static IReadOnlyList<ObjectiveOnCard> Card(IReadOnlyList<ObjectiveEntry> objectives, IReadOnlyDictionary<string, IReadOnlyList<KpiOnCard>> kpis,
        IReadOnlyDictionary<string, ActionHealth> health)
    {
        var ids = objectives.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var children = objectives.Where(o => o.Definition.Parent is { } p && ids.Contains(p))
            .GroupBy(o => o.Definition.Parent!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(o => o.Id).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var rolled = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        decimal? RolledOf(string id)
        {
            if (rolled.TryGetValue(id, out var known)) return known;
            var own = Score(kpis.GetValueOrDefault(id) ?? []);
            return rolled[id] = Rolled(own, (children.GetValueOrDefault(id) ?? []).Select(RolledOf));
        }
        return [.. objectives.Select(o =>
        {
            var card = kpis.GetValueOrDefault(o.Id) ?? [];
            var actions = health.GetValueOrDefault(o.Id) ?? ActionHealth.None;
            var score = RolledOf(o.Id);
            string[] flags = card.Any(k => k.Status == KpiStatus.Red) && actions.Open == 0 ? [NoOneWorking] : [];
            var d = o.Definition;
            return new ObjectiveOnCard(o.Id, d.Name, d.Level, d.Site, d.Department, d.Parent, d.Perspective, d.Owner, d.Period, card, Score(card), score, StatusOf(score),
                actions, flags, children.GetValueOrDefault(o.Id) ?? []);
        })];
    }
}
