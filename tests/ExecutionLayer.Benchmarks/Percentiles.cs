namespace ExecutionLayer.Benchmarks;

internal static class Percentiles
{
    /// <summary>Nearest-rank percentile of a sample, in the sample's unit.</summary>
    public static double Of(IReadOnlyCollection<double> sample, double percentile)
    {
        var sorted = sample.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
