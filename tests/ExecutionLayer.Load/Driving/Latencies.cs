using System.Collections.Concurrent;
using System.Diagnostics;

namespace ExecutionLayer.Load.Driving;

/// <summary>Every request's time by operation, and how often each had to be tried again or was given up.</summary>
public sealed class Latencies
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _times = new();
    private readonly ConcurrentDictionary<string, int> _retries = new();
    private readonly ConcurrentDictionary<string, int> _abandoned = new();

    public async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await call();
        Record(operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    /// <summary>A time measured elsewhere (from a post to what it caused, read back from a store).</summary>
    public void Record(string operation, double milliseconds) => _times.GetOrAdd(operation, _ => new()).Enqueue(milliseconds);

    public void Retried(string operation) => _retries.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public void Abandoned(string operation) => _abandoned.AddOrUpdate(operation, 1, (_, n) => n + 1);

    public int TotalAbandoned => _abandoned.Values.Sum();

    public int TotalRetries => _retries.Values.Sum();

    public int Count => _times.Values.Sum(q => q.Count);

    public IReadOnlyList<OperationFigures> Figures() => [.. _times.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
    {
        var sorted = t.Value.Order().ToArray();
        return new OperationFigures(t.Key, sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1],
            _retries.GetValueOrDefault(t.Key), _abandoned.GetValueOrDefault(t.Key));
    })];

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

public sealed record OperationFigures(string Operation, int Count, double P50, double P95, double P99, double Max, int Retries, int Abandoned);
