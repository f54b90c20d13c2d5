using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;

namespace ExecutionLayer.Actions.ClosureQuality;

/// <summary>
/// Did a KPI move in its good direction within an action's verification window? The baseline is the
/// last reading at or before verification (without one, the first reading in the window); the KPI
/// moved if a later reading in the window is strictly better than the baseline. No definition, or no
/// reading to compare, means no movement can be shown — and is reported as not moved.
/// </summary>
public static class ClosureMovement
{
    public static KpiMovement Of(string kpi, KpiDefinition? definition, IReadOnlyList<Reading> readings, DateTimeOffset verifiedAt, DateTimeOffset windowEnd)
    {
        var ordered = readings.Where(r => r.MeasuredAt <= windowEnd).OrderBy(r => r.MeasuredAt).ToArray();
        var before = ordered.LastOrDefault(r => r.MeasuredAt <= verifiedAt);
        var within = ordered.Where(r => r.MeasuredAt > verifiedAt).ToList();
        if (before is null && within.Count > 0)
        {
            before = within[0];
            within.RemoveAt(0);
        }
        if (definition is null || before is null || within.Count == 0) return new KpiMovement(kpi, before?.Value, null, false);

        var best = within.Select(r => r.Value).Aggregate((a, b) => definition.IsBetter(b, a) ? b : a);
        return new KpiMovement(kpi, before.Value, best, definition.IsBetter(best, before.Value));
    }
}
