using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.Store.Hosting;

/// <summary>How far the async daemon's subscribers are behind the store, as last sampled.</summary>
/// <param name="Behind">Per subscriber (outbox, async projection): committed events it has not passed yet.</param>
/// <param name="Held">Committed events the daemon may not hand to anyone yet, because a place before them is still open.</param>
/// <param name="HeldAt">The last place it may hand out (the high water mark) while events are held.</param>
/// <param name="HeldSince">Since when that mark has not moved while events were held.</param>
/// <param name="At">Per subscriber: the last event it has passed.</param>
/// <param name="StuckSince">Per subscriber that has events it may be handed and has not moved: since when (a stopped or failing subscription).</param>
public sealed record EventLagSample(
    IReadOnlyDictionary<string, long> Behind, long Held, long HeldAt, DateTimeOffset? HeldSince, DateTimeOffset SampledAt,
    IReadOnlyDictionary<string, long> At, IReadOnlyDictionary<string, DateTimeOffset> StuckSince);

/// <summary>
/// Samples the daemon's progress from the database, so every instance reports the same figures whichever
/// leads: each subscriber's lag, and the events held behind a place in the log that an open transaction may
/// still fill. Nothing is skipped while they are held (StoreConfiguration pins that); the transaction that
/// holds them ends by itself at PostgreSQL's idle_in_transaction_session_timeout, and until then the hold
/// shows here, as the el.store.lag and el.store.held gauges and in /health/ready.
/// </summary>
public sealed class EventLagMonitor(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<EventLagMonitor> logger) : BackgroundService
{
    public const string MeterName = "ExecutionLayer.Store";

    /// <summary>A count of more than this is reported as this: a backlog's size beyond it changes nothing an operator does.</summary>
    public const int CountLimit = 100_000;

    private static readonly Meter Meter = new(MeterName);
    private static readonly List<EventLagMonitor> Monitors = [];

    private readonly string _s = store.Options.DatabaseSchemaName;
    private volatile EventLagSample? _last;

    static EventLagMonitor()
    {
        Meter.CreateObservableGauge("el.store.lag", () => Snapshot().SelectMany(m => m.Sample?.Behind.Select(b =>
            new Measurement<long>(b.Value, new("schema", m._s), new("subscriber", b.Key))) ?? []), "{event}",
            "Committed events a subscriber (outbox, async projection) has not passed yet");
        Meter.CreateObservableGauge("el.store.held", () => Snapshot().Where(m => m.Sample is not null).Select(m =>
            new Measurement<long>(m.Sample!.Held, new KeyValuePair<string, object?>("schema", m._s))), "{event}",
            "Committed events held back because a place before them in the log is still open");
    }

    public EventLagSample? Sample => _last;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wall time, not the service's domain clock: how long a hold lasts is an operator's question.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    private static EventLagMonitor[] Snapshot()
    {
        lock (Monitors) return [.. Monitors];
    }

    /// <summary>Takes a sample now (the background loop does so every <see cref="Interval"/>).</summary>
    public async Task<EventLagSample> SampleAsync(CancellationToken ct)
    {
        var behind = new Dictionary<string, long>();
        var at = new Dictionary<string, long>();
        long held = 0, mark = 0;
        await using (var command = dataSource.CreateCommand($"""
            SELECT p.name, p.last_seq_id,
                   (SELECT count(*) FROM (SELECT 1 FROM {_s}.mt_events e WHERE e.seq_id > p.last_seq_id LIMIT {CountLimit}) b)
            FROM {_s}.mt_event_progression p ORDER BY p.name
            """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var name = reader.GetString(0);
                if (name == "HighWaterMark") (mark, held) = (reader.GetInt64(1), reader.GetInt64(2));
                // The daemon's other bookkeeping rows (HighWaterAllocationFence, HighWaterStuckGap) share the
                // table with the subscribers but are not subscribers: nothing is "behind" them.
                else if (!name.StartsWith("HighWater", StringComparison.Ordinal)) (behind[name], at[name]) = (reader.GetInt64(2), reader.GetInt64(1));
            }

        var now = Clock.GetUtcNow();
        var previous = _last;
        var heldSince = held == 0 ? (DateTimeOffset?)null : previous is { HeldSince: { } since } && previous.HeldAt == mark ? since : now;
        // A subscriber with events before the mark that has not moved since the last sample is stuck (since then, or since before).
        var stuck = new Dictionary<string, DateTimeOffset>();
        foreach (var (name, position) in at)
            if (position < mark && previous is not null && previous.At.TryGetValue(name, out var was) && was == position)
                stuck[name] = previous.StuckSince.TryGetValue(name, out var stuckSince) ? stuckSince : previous.SampledAt;
        var sample = new EventLagSample(behind, held, mark, heldSince, now, at, stuck);
        _last = sample;
        return sample;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (Monitors) Monitors.Add(this);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SampleAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogDebug(e, "Sampling the event daemon's lag failed; the readiness check reports the database itself");
                }
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            lock (Monitors) Monitors.Remove(this);
        }
    }
}

/// <summary>
/// /health/ready's view of the daemon: Degraded (still ready: nothing is lost, the instance serves, and every
/// instance reads the same store, so taking one out would take them all) while a subscription of this instance
/// is failing, naming the events and the error; while a subscriber has not moved past events it may be handed
/// for <see cref="StuckTooLong"/> (whichever instance runs it); and while events have been held behind an open
/// place in the log for longer than Marten waits to judge a gap. The subscribers' lag is in the description either way.
/// </summary>
public sealed class EventLagHealthCheck(EventLagMonitor monitor, SubscriptionFailures failures) : IHealthCheck
{
    /// <summary>Marten gives a gap this long to fill before it looks for a live transaction; shorter holds are normal traffic.</summary>
    public static readonly TimeSpan HeldTooLong = TimeSpan.FromSeconds(10);

    /// <summary>Longer than a page of the outbox takes to publish, and than leadership takes to move to another instance.</summary>
    public static readonly TimeSpan StuckTooLong = TimeSpan.FromSeconds(60);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = failures.Current;
        if (monitor.Sample is not { } sample)
            return Task.FromResult(failing.Count == 0 ? HealthCheckResult.Healthy("not sampled yet") : HealthCheckResult.Degraded(Failing(failing)));
        var lag = sample.Behind.Count == 0 ? "no subscriber has started" : string.Join(", ", sample.Behind.Select(b => $"{b.Key} {b.Value} behind"));
        var data = new Dictionary<string, object>(sample.Behind.Select(b => KeyValuePair.Create(b.Key, (object)b.Value))) { ["held"] = sample.Held };
        var now = monitor.Clock.GetUtcNow();
        var problems = new List<string>();
        if (failing.Count > 0) problems.Add(Failing(failing));
        problems.AddRange(sample.StuckSince.Where(s => now - s.Value >= StuckTooLong)
            .Select(s => $"{s.Key} has not moved past event {sample.At[s.Key]} since {s.Value:O}, with events waiting for it"));
        if (sample.HeldSince is { } since && now - since >= HeldTooLong)
            problems.Add($"{sample.Held} committed event(s) held behind place {sample.HeldAt + 1} since {since:O}: a transaction that may still fill it is open " +
                "(it ends at idle_in_transaction_session_timeout)");
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy(lag, data)
            : HealthCheckResult.Degraded($"{string.Join("; ", problems)}; {lag}", data: data));
    }

    private static string Failing(IReadOnlyCollection<SubscriptionFailure> failing) => string.Join("; ", failing.Select(f =>
        $"{f.Subscriber} fails on events {f.FirstSequence}–{f.LastSequence} (since {f.At:O}): {f.Error}"));
}
