using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ExecutionLayer.Store.Tests;

/// <summary>A forgotten transaction holds the daemon back; the hold shows, with what is held, and ends with the transaction.</summary>
public sealed class EventLagTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private readonly ManualClock _wall = new(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
    private EventLagMonitor _monitor = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _monitor = new EventLagMonitor(_store.Store, _store.Database.DataSource, NullLogger<EventLagMonitor>.Instance) { Clock = _wall };
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    private async Task<HealthCheckResult> ReadinessAsync() => await new EventLagHealthCheck(_monitor, _store.Failures).CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task Events_held_behind_an_open_place_show_as_held_and_degraded_until_the_transaction_ends_and_then_reach_the_subscriber()
    {
        await using var daemon = await _store.StartDaemonAsync();
        await _store.AppendAsync("CNC-4 down");
        await Eventually.TrueAsync(async () => (await _monitor.SampleAsync(CancellationToken.None)).Behind.Values.DefaultIfEmpty(-1).Single() == 0, "the subscriber caught up");

        // A writer of this service took the next place in the log and went quiet.
        await using var forgotten = await _store.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await forgotten.BeginTransactionAsync();
        await using (var reserve = new NpgsqlCommand($"SELECT nextval('{TestStore.Schema}.mt_events_sequence')", forgotten, transaction)) await reserve.ExecuteScalarAsync();
        await _store.AppendAsync("spindle replaced");
        await _store.AppendAsync("CNC-4 back up");

        EventLagSample held = null!;
        await Eventually.TrueAsync(async () => (held = await _monitor.SampleAsync(CancellationToken.None)).Held == 2, "two events held");
        Assert.Equal(HealthStatus.Healthy, (await ReadinessAsync()).Status);
        _wall.Advance(EventLagHealthCheck.HeldTooLong);
        await _monitor.SampleAsync(CancellationToken.None);
        var degraded = await ReadinessAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains($"2 committed event(s) held behind place {held.HeldAt + 1}", degraded.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("spindle replaced", _store.Delivered.Texts);

        await transaction.RollbackAsync();
        await Eventually.TrueAsync(() => Task.FromResult(_store.Delivered.Texts.Contains("CNC-4 back up")), "the held events delivered once the transaction ended",
            TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await _monitor.SampleAsync(CancellationToken.None)).Held == 0, "nothing held any more");
        Assert.Equal(HealthStatus.Healthy, (await ReadinessAsync()).Status);
        Assert.Equal(["CNC-4 down", "spindle replaced", "CNC-4 back up"], _store.Delivered.Texts);
    }

    [Fact]
    public async Task A_subscription_that_fails_on_an_event_shows_in_readiness_with_the_events_and_the_error_and_as_stuck_from_the_store()
    {
        await using var daemon = await _store.StartDaemonAsync();
        await _store.AppendAsync("CNC-4 down");
        await Eventually.TrueAsync(() => Task.FromResult(_store.Delivered.Texts.Contains("CNC-4 down")), "the first note delivered", TimeSpan.FromSeconds(60));
        await _monitor.SampleAsync(CancellationToken.None);

        await _store.AppendAsync("poison: a reason code no mapper knows");
        await Eventually.TrueAsync(() => Task.FromResult(_store.Failures.Current.Count == 1), "the failure reported", TimeSpan.FromSeconds(60));
        var failing = await ReadinessAsync();
        Assert.Equal(HealthStatus.Degraded, failing.Status);
        Assert.Contains("Delivered:All fails on events", failing.Description, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: Note", failing.Description, StringComparison.Ordinal);

        // Whichever instance runs the subscriber, the store shows it has not moved past events it may be handed.
        await Eventually.TrueAsync(async () => (await _monitor.SampleAsync(CancellationToken.None)).StuckSince.ContainsKey("Delivered:All"), "the subscriber seen stuck");
        _wall.Advance(EventLagHealthCheck.StuckTooLong);
        await _monitor.SampleAsync(CancellationToken.None);
        var stuck = await new EventLagHealthCheck(_monitor, new SubscriptionFailures()).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, stuck.Status);
        Assert.Contains("Delivered:All has not moved past event 1", stuck.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("poison", _store.Delivered.Texts.Last(), StringComparison.Ordinal);
    }
}
