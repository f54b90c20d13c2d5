using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.EventSourcing.Subscriptions;
using ExecutionLayer.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionLayer.EventSourcing.Tests;

public sealed class ProjectingTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly SubscriptionOptions Fast = new()
    {
        BatchSize = 50, PollInterval = TimeSpan.FromMilliseconds(20), StandbyRetry = TimeSpan.FromMilliseconds(100), TransientRetry = TimeSpan.FromMilliseconds(50),
    };

    private ProjectionRunner Runner(IProjection projection) => new(fixture.Store, projection, Fast, NullLogger<ProjectionRunner>.Instance);

    /// <summary>Another instance of the service: a store over its own connection pool, as another process has.</summary>
    private ProjectionRunner RunnerOnOtherInstance(Npgsql.NpgsqlDataSource pool, IProjection projection) =>
        new(new EventStore(pool, fixture.Store.Schema, fixture.Store.Types, fixture.Clock), projection, Fast, NullLogger<ProjectionRunner>.Instance);

    private async Task AppendNotesAsync(int count, string prefix = "note")
    {
        for (var i = 0; i < count; i++)
            await fixture.Store.AppendAsync($"{prefix}-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), $"{prefix} {i}")));
    }

    private Task<long> EventCountAsync() => fixture.CountAsync("SELECT count(*) FROM test.events");

    private async Task WaitUntilProjectedAsync(string table)
    {
        var expected = await EventCountAsync();
        await Eventually.TrueAsync(async () => await fixture.CountAsync($"SELECT count(*) FROM test.{table}") == expected, $"{table} has all {expected} events");
    }

    [Fact]
    public async Task An_async_projection_catches_up_on_history_and_follows_new_events_once_each()
    {
        await AppendNotesAsync(120, "history");
        var projection = await CountingProjection.CreateAsync(fixture.DataSource, "follow_counts");
        using var runner = Runner(projection);
        await runner.StartAsync(CancellationToken.None);

        await WaitUntilProjectedAsync("follow_counts");
        await AppendNotesAsync(30, "live");
        await WaitUntilProjectedAsync("follow_counts");
        await runner.StopAsync(CancellationToken.None);

        Assert.Equal(1, await fixture.CountAsync("SELECT max(times) FROM test.follow_counts"));
    }

    [Fact]
    public async Task A_projection_that_throws_stops_at_the_event_visibly_and_a_restart_resumes_without_applying_anything_twice()
    {
        await AppendNotesAsync(60, "crash");
        var failAt = await fixture.CountAsync("SELECT max(position) FROM test.events") - 10; // mid-batch, late in the log
        var failing = await CountingProjection.CreateAsync(fixture.DataSource, "crash_counts", e => e.Position == failAt);
        using (var first = Runner(failing))
        {
            await first.StartAsync(CancellationToken.None);
            await Eventually.TrueAsync(() => first.State == SubscriptionState.Faulted, "the projection has stopped");
            Assert.Contains($"position {failAt}", first.Error);
            Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM test.checkpoints WHERE name = 'projection:crash_counts' AND error IS NOT NULL"));
            Assert.True(await fixture.CountAsync("SELECT count(*) FROM test.crash_counts WHERE position >= " + failAt) == 0, "nothing at or past the failing event was applied");
            await first.StopAsync(CancellationToken.None);
        }

        var fixedProjection = await CountingProjection.CreateAsync(fixture.DataSource, "crash_counts");
        using var restarted = Runner(fixedProjection);
        await restarted.StartAsync(CancellationToken.None);
        await WaitUntilProjectedAsync("crash_counts");
        await restarted.StopAsync(CancellationToken.None);

        Assert.Equal(1, await fixture.CountAsync("SELECT max(times) FROM test.crash_counts"));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM test.checkpoints WHERE name = 'projection:crash_counts' AND error IS NOT NULL"));
    }

    [Fact]
    public async Task A_rebuild_while_appends_continue_ends_with_the_same_read_model_as_the_live_projection()
    {
        await AppendNotesAsync(100, "before-rebuild");
        var live = await CountingProjection.CreateAsync(fixture.DataSource, "live_counts");
        var rebuilt = await CountingProjection.CreateAsync(fixture.DataSource, "rebuilt_counts");
        using var liveRunner = Runner(live);
        using var rebuiltRunner = Runner(rebuilt);
        await liveRunner.StartAsync(CancellationToken.None);
        await rebuiltRunner.StartAsync(CancellationToken.None);
        await WaitUntilProjectedAsync("rebuilt_counts");

        var appending = AppendNotesAsync(150, "during-rebuild");
        await Eventually.TrueAsync(async () => await EventCountAsync() > 150, "appends are under way");
        rebuiltRunner.RequestRebuild();
        await appending;

        await WaitUntilProjectedAsync("live_counts");
        await WaitUntilProjectedAsync("rebuilt_counts");
        await liveRunner.StopAsync(CancellationToken.None);
        await rebuiltRunner.StopAsync(CancellationToken.None);

        Assert.Equal(0, await fixture.CountAsync("""
            SELECT count(*) FROM (
              (SELECT event_id, position, times FROM test.live_counts EXCEPT SELECT event_id, position, times FROM test.rebuilt_counts)
              UNION ALL
              (SELECT event_id, position, times FROM test.rebuilt_counts EXCEPT SELECT event_id, position, times FROM test.live_counts)) difference
            """));
        Assert.Equal(1, await fixture.CountAsync("SELECT max(times) FROM test.rebuilt_counts"));
    }

    /// <summary>
    /// Two instances = two connection pools. Regression: a stopped runner returned its connection to
    /// its pool still holding the session lock, so the standby waited until that connection happened
    /// to be reused (for ever, on a quiet instance).
    /// </summary>
    [Fact]
    public async Task Only_one_instance_runs_a_projection_and_a_standby_takes_over_when_it_stops()
    {
        var projection = await CountingProjection.CreateAsync(fixture.DataSource, "shared_counts");
        await using var otherInstancePool = Npgsql.NpgsqlDataSource.Create(fixture.ConnectionString);
        using var a = Runner(projection);
        using var b = RunnerOnOtherInstance(otherInstancePool, projection);
        await a.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => a.State == SubscriptionState.Active, "the first instance is active");
        await b.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => b.State == SubscriptionState.Standby, "the second instance waits");

        await AppendNotesAsync(20, "shared");
        await WaitUntilProjectedAsync("shared_counts");
        await a.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => b.State == SubscriptionState.Active, "the standby took over", TimeSpan.FromSeconds(10));
        await AppendNotesAsync(20, "after-takeover");
        await WaitUntilProjectedAsync("shared_counts");
        await b.StopAsync(CancellationToken.None);

        Assert.Equal(1, await fixture.CountAsync("SELECT max(times) FROM test.shared_counts"));
    }

    [Fact]
    public async Task A_faulted_instance_lets_a_standby_instance_take_over_the_projection()
    {
        await AppendNotesAsync(10, "fault-takeover");
        var poisonAt = await fixture.CountAsync("SELECT max(position) FROM test.events");
        var failing = await CountingProjection.CreateAsync(fixture.DataSource, "takeover_counts", e => e.Position == poisonAt);
        var healthy = await CountingProjection.CreateAsync(fixture.DataSource, "takeover_counts");
        await using var otherInstancePool = Npgsql.NpgsqlDataSource.Create(fixture.ConnectionString);
        using var broken = Runner(failing);
        using var standby = RunnerOnOtherInstance(otherInstancePool, healthy);

        await broken.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => broken.State is SubscriptionState.Active or SubscriptionState.Faulted, "the first instance holds the projection");
        await standby.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => broken.State == SubscriptionState.Faulted, "the first instance faulted");
        await Eventually.TrueAsync(() => standby.State == SubscriptionState.Active, "the standby took over", TimeSpan.FromSeconds(10));
        await WaitUntilProjectedAsync("takeover_counts");
        await standby.StopAsync(CancellationToken.None);
        await broken.StopAsync(CancellationToken.None);

        Assert.Equal(1, await fixture.CountAsync("SELECT max(times) FROM test.takeover_counts"));
    }

    [Fact]
    public async Task An_inline_projection_commits_with_the_append_or_not_at_all()
    {
        var inline = await CountingProjection.CreateAsync(fixture.DataSource, "inline_counts", e => ((OvertimeNoted)e.Data).Note == "poison");
        var store = fixture.CreateStore(inline: [inline]);

        var appended = await store.AppendAsync($"inline-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "fine")));
        Assert.Equal(1, await fixture.CountAsync($"SELECT count(*) FROM test.inline_counts WHERE position = {appended.Positions[0]}"));

        var stream = $"inline-{Guid.NewGuid():N}";
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "poison"))));
        Assert.Empty(await fixture.Store.ReadStreamAsync(stream));
    }
}
