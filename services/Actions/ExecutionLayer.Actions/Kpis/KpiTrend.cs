namespace ExecutionLayer.Actions.Kpis;

public enum TrendDirection { Unknown, Improving, Flat, Worsening }

public sealed record Trend(TrendDirection Direction, decimal? From, decimal? To, int Readings);

/// <summary>
/// Trend over a KPI's latest readings (up to <see cref="Window"/>): the change from the first to the
/// last, relative to the first (or to the target when the first is zero). Within ±2 % it is flat;
/// otherwise improving or worsening by the KPI's direction. Fewer than two readings: unknown.
/// </summary>
public static class KpiTrend
{
    public const int Window = 8;
    public const decimal FlatBand = 0.02m;

    public static Trend Of(KpiDefinition definition, IReadOnlyList<decimal> readingsOldestFirst)
    {
        if (readingsOldestFirst.Count < 2) return new Trend(TrendDirection.Unknown, readingsOldestFirst.FirstOrDefault(), readingsOldestFirst.LastOrDefault(), readingsOldestFirst.Count);
        var window = readingsOldestFirst.TakeLast(Window).ToArray();
        decimal first = window[0], last = window[^1];
        var scale = first != 0 ? Math.Abs(first) : Math.Max(Math.Abs(definition.Target), 1m);
        var relative = (last - first) / scale;
        var direction = Math.Abs(relative) <= FlatBand ? TrendDirection.Flat
            : definition.IsBetter(last, first) ? TrendDirection.Improving : TrendDirection.Worsening;
        return new Trend(direction, first, last, window.Length);
    }
}
