using System.Diagnostics;

namespace ExecutionLayer.Load.Driving;

/// <summary>How hard and how long: operations started per second, and whichever of the count or the time runs out first.</summary>
public sealed record LoadPlan(double Rate, int Count, TimeSpan Duration, int Concurrency = 64);

/// <summary>
/// Starts operation n at start + n/rate (an open schedule: a slow answer does not slow the arrivals),
/// at most <see cref="LoadPlan.Concurrency"/> in flight, until the count or the time is used up; then
/// waits for what is in flight.
/// </summary>
public static class LoadDriver
{
    public static async Task<LoadOutcome> RunAsync(LoadPlan plan, Func<int, CancellationToken, Task> operation, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(plan.Concurrency);
        var running = new List<Task>();
        var failures = new List<Exception>();
        var clock = Stopwatch.StartNew();
        var started = 0;
        for (var n = 0; n < plan.Count && clock.Elapsed < plan.Duration && !ct.IsCancellationRequested; n++)
        {
            // Read the clock once: between a comparison and a second reading the wait can turn negative.
            var wait = TimeSpan.FromSeconds(n / plan.Rate) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            await slots.WaitAsync(ct);
            var number = n;
            started++;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    await operation(number, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (failures) failures.Add(e);
                }
                finally
                {
                    slots.Release();
                }
            }, ct));
        }
        await Task.WhenAll(running);
        return new LoadOutcome(started, clock.Elapsed, failures);
    }
}

/// <param name="Failures">Operations that ended in an answer the load did not expect (not a transient failure it waited out).</param>
public sealed record LoadOutcome(int Operations, TimeSpan Elapsed, IReadOnlyList<Exception> Failures)
{
    public double Throughput => Operations / Elapsed.TotalSeconds;
}
