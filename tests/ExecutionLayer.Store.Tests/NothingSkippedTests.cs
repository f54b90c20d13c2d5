using System.Diagnostics;
using ExecutionLayer.Testing;
using Marten;
using Marten.Services;
using Xunit.Abstractions;

namespace ExecutionLayer.Store.Tests;

/// <summary>
/// What a subscription (the outbox, the audit feed) must never do: skip an event because its transaction
/// committed after a later one's. These fail if the pinned settings in <see cref="NothingSkipped"/> change:
/// with either of them turned, Marten 9 was measured to lose the late event (../shared/MARTEN.md).
/// </summary>
public sealed class NothingSkippedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task An_event_whose_writer_commits_five_seconds_late_is_delivered_and_before_the_event_written_after_it()
    {
        await using var daemon = await _store.StartDaemonAsync();
        await _store.AppendAsync("before"); // so the daemon is known to be polling while the gap stands
        await Eventually.TrueAsync(() => _store.Delivered.Texts.Count == 1, "the daemon delivers", TimeSpan.FromSeconds(60));
        await using var connection = await _store.Database.DataSource.OpenConnectionAsync();
        await using var slow = await connection.BeginTransactionAsync();
        await using (var late = _store.Store.LightweightSession(SessionOptions.ForTransaction(slow)))
        {
            late.Events.StartStream(TestStore.NewStream(), new Noted("written first, committed late"));
            await late.SaveChangesAsync();
        }
        await _store.AppendAsync("written second, committed at once");

        // Longer than the daemon's stale-sequence threshold (3 s): the point at which a gap without evidence is skipped.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(["before"], _store.Delivered.Texts);

        await slow.CommitAsync();
        await Eventually.TrueAsync(() => _store.Delivered.Texts.Count == 3, "both events are delivered", TimeSpan.FromSeconds(60));
        Assert.Equal(["before", "written first, committed late", "written second, committed at once"], _store.Delivered.Texts);
    }

    [Fact]
    public async Task A_rolled_back_append_holds_the_events_after_it_back_only_until_the_gap_is_seen_to_be_dead()
    {
        await using var daemon = await _store.StartDaemonAsync();
        await using (var connection = await _store.Database.DataSource.OpenConnectionAsync())
        await using (var abandoned = await connection.BeginTransactionAsync())
        {
            await using var session = _store.Store.LightweightSession(SessionOptions.ForTransaction(abandoned));
            session.Events.StartStream(TestStore.NewStream(), new Noted("rolled back"));
            await session.SaveChangesAsync();
            await abandoned.RollbackAsync();
        }
        var clock = Stopwatch.StartNew();
        await _store.AppendAsync("after the rolled-back one");

        await Eventually.TrueAsync(() => _store.Delivered.Texts.Count == 1, "the event after the gap is delivered", TimeSpan.FromSeconds(60));
        output.WriteLine($"delivered {clock.Elapsed.TotalSeconds:F1} s after its commit, past the dead gap below it");
        Assert.Equal(["after the rolled-back one"], _store.Delivered.Texts);
        await using var skips = _store.Database.DataSource.CreateCommand($"SELECT count(*) FROM {TestStore.Schema}.mt_high_water_skips");
        Assert.True(Convert.ToInt64(await skips.ExecuteScalarAsync()) >= 1, "the skipped gap is on record");
    }

    [Fact]
    public void A_store_built_with_either_setting_that_skips_live_gaps_is_refused()
    {
        var evidenceOff = new StoreOptions();
        StoreConfiguration.Apply(evidenceOff, TestStore.Schema, TestEvents.Registered());
        evidenceOff.Projections.UseTransactionEvidenceForGapSkipping = false;
        Assert.Contains("UseTransactionEvidenceForGapSkipping", Assert.Throws<InvalidOperationException>(() => NothingSkipped.Verify(evidenceOff)).Message);

        var capped = new StoreOptions();
        StoreConfiguration.Apply(capped, TestStore.Schema, TestEvents.Registered());
        capped.Projections.SkipStaleGapsDespiteLiveTransactionsAfter = TimeSpan.FromSeconds(2);
        Assert.Contains("SkipStaleGapsDespiteLiveTransactionsAfter", Assert.Throws<InvalidOperationException>(() => NothingSkipped.Verify(capped)).Message);

        var pinned = new StoreOptions();
        StoreConfiguration.Apply(pinned, TestStore.Schema, TestEvents.Registered());
        NothingSkipped.Verify(pinned);
    }
}
