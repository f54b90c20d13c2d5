using ExecutionLayer.EventSourcing.Deadlines;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Tests;

/// <summary>An SLA breach: the handler escalates by appending to the stream, in the same transaction that marks the deadline fired.</summary>
public sealed class EscalateOnSla(Func<Deadline, bool>? failWhen = null) : IDeadlineHandler
{
    public string Kind => "sla";

    public async Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct)
    {
        if (failWhen?.Invoke(deadline) == true) throw new InvalidOperationException("notification bridge down");
        await uow.AppendAsync(deadline.StreamId, "overtime", ExpectedVersion.Any,
            NewEvents.Of(new OvertimeNoted(Guid.Empty, $"escalated by {deadline.DeadlineId}")), new EventMetadata(Actor: "sla-timer"), ct);
        await using var record = uow.CreateCommand("INSERT INTO test.fired (deadline_id) VALUES ($1)");
        record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deadline.DeadlineId });
        await record.ExecuteNonQueryAsync(ct);
    }
}

public sealed class SchedulingDeadlinesTests(StoreFixture fixture) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private readonly DeadlineStore _deadlines = new(fixture.Store);

    public Task InitializeAsync() => fixture.ExecuteAsync("CREATE TABLE IF NOT EXISTS test.fired (deadline_id uuid NOT NULL)");

    public Task DisposeAsync() => Task.CompletedTask;

    private DeadlinePoller Poller(EscalateOnSla? handler = null) =>
        new(fixture.Store, [handler ?? new EscalateOnSla()], new DeadlineOptions(), NullLogger<DeadlinePoller>.Instance);

    private async Task<Guid> ScheduleAsync(string stream, DateTimeOffset due)
    {
        await using var uow = await fixture.Store.BeginAsync();
        var id = await _deadlines.ScheduleAsync(uow, due, stream, "sla", new { stage = 1 });
        await uow.CommitAsync();
        return id;
    }

    private Task<long> FiredAsync(Guid id) => fixture.CountAsync($"SELECT count(*) FROM test.fired WHERE deadline_id = '{id}'");

    [Fact]
    public async Task Each_due_deadline_fires_exactly_once_with_two_pollers_racing()
    {
        fixture.Clock.Set(StoreFixture.Monday);
        var ids = new List<Guid>();
        for (var i = 0; i < 60; i++)
            ids.Add(await ScheduleAsync($"race-{i}", StoreFixture.Monday.AddHours(4)));
        fixture.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));

        var fired = await Task.WhenAll(Poller().FireDueAsync(), Poller().FireDueAsync());

        Assert.Equal(60, fired.Sum());
        foreach (var id in ids) Assert.Equal(1, await FiredAsync(id));
        Assert.Equal(60, await fixture.CountAsync("SELECT count(*) FROM test.events WHERE actor = 'sla-timer' AND stream_id LIKE 'race-%'"));
    }

    [Fact]
    public async Task A_deadline_does_not_fire_before_it_is_due_and_fires_when_the_clock_passes_it()
    {
        fixture.Clock.Set(StoreFixture.Monday.AddDays(1));
        var id = await ScheduleAsync("clock-1", fixture.Clock.GetUtcNow().AddHours(4));

        fixture.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(59));
        await Poller().FireDueAsync();
        Assert.Equal(0, await FiredAsync(id));

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await Poller().FireDueAsync();
        Assert.Equal(1, await FiredAsync(id));
        Assert.Empty(await _deadlines.PendingAsync("clock-1"));
    }

    [Fact]
    public async Task A_cancelled_deadline_never_fires()
    {
        fixture.Clock.Set(StoreFixture.Monday.AddDays(2));
        var cancelled = await ScheduleAsync("cancel-1", fixture.Clock.GetUtcNow().AddHours(1));
        var kept = await ScheduleAsync("cancel-2", fixture.Clock.GetUtcNow().AddHours(1));
        await using (var uow = await fixture.Store.BeginAsync())
        {
            Assert.Equal(1, await _deadlines.CancelAsync(uow, "cancel-1", "sla"));
            await uow.CommitAsync();
        }

        fixture.Clock.Advance(TimeSpan.FromDays(30));
        await Poller().FireDueAsync();

        Assert.Equal(0, await FiredAsync(cancelled));
        Assert.Equal(1, await FiredAsync(kept));
    }

    [Fact]
    public async Task A_failing_handler_leaves_the_deadline_pending_and_it_is_retried_after_a_back_off()
    {
        fixture.Clock.Set(StoreFixture.Monday.AddDays(3));
        var id = await ScheduleAsync("retry-1", fixture.Clock.GetUtcNow().AddMinutes(5));
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));

        await Poller(new EscalateOnSla(_ => true)).FireDueAsync();
        Assert.Equal(0, await FiredAsync(id));
        var pending = Assert.Single(await _deadlines.PendingAsync("retry-1"));
        Assert.Equal(1, pending.Attempts);
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM test.events WHERE stream_id = 'retry-1'"));

        await Poller().FireDueAsync(); // still backing off
        Assert.Equal(0, await FiredAsync(id));

        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        await Poller().FireDueAsync();
        Assert.Equal(1, await FiredAsync(id));
    }
}
