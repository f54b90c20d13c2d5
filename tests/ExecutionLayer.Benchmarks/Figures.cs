using System.Diagnostics;

namespace ExecutionLayer.Benchmarks;

internal sealed record Figure(string Name, long Operations, TimeSpan Elapsed)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
}

/// <summary>Raw and ours over several rounds; the median round (by ratio) is reported with the range.</summary>
internal sealed class Comparison(string name, double target)
{
    private readonly List<(Figure Raw, Figure Ours)> _rounds = [];

    public string Name { get; } = name;
    public double Target { get; } = target;

    public void Add(Figure raw, Figure ours) => _rounds.Add((raw, ours));

    public IReadOnlyList<double> Ratios => _rounds.Select(r => r.Ours.PerSecond / r.Raw.PerSecond).Order().ToArray();

    public (Figure Raw, Figure Ours) Median => _rounds.OrderBy(r => r.Ours.PerSecond / r.Raw.PerSecond).ElementAt(_rounds.Count / 2);
}

internal static class Measure
{
    public static async Task<Figure> RunAsync(string name, long operations, Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        watch.Stop();
        return new Figure(name, operations, watch.Elapsed);
    }

    public static Task ConcurrentlyAsync(int writers, Func<int, Task> writer) => Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => writer(w))));
}
