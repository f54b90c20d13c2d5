using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ExecutionLayer.EventSourcing.Subscriptions;

/// <summary>
/// Lag (events drawn but not yet processed — including those paused behind an open transaction) and
/// faults of every subscription in the process, for metrics and health.
/// </summary>
public static class SubscriptionMetrics
{
    public const string MeterName = "ExecutionLayer.EventSourcing";

    private static readonly ConcurrentDictionary<SubscriptionRunner, byte> Runners = new();
    private static readonly Meter Meter = new(MeterName);

    static SubscriptionMetrics()
    {
        Meter.CreateObservableGauge("el.subscription.lag", () => Runners.Keys.Select(r =>
            new Measurement<long>(r.Lag, new KeyValuePair<string, object?>("subscription", r.Name))), "{event}",
            "Events in the log not yet processed by the subscription");
        Meter.CreateObservableGauge("el.subscription.faulted", () => Runners.Keys.Select(r =>
            new Measurement<int>(r.State == SubscriptionState.Faulted ? 1 : 0, new KeyValuePair<string, object?>("subscription", r.Name))));
    }

    public static IEnumerable<SubscriptionRunner> All => Runners.Keys;

    internal static void Track(SubscriptionRunner runner) => Runners.TryAdd(runner, 0);

    internal static void Untrack(SubscriptionRunner runner) => Runners.TryRemove(runner, out _);
}
