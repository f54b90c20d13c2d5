using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Testing;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionLayer.Store.Tests;

/// <summary>"Nobody answered for four hours": a timer written with the events that need it, fired once by whichever instance claims it.</summary>
public sealed class DeadlineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    private readonly TestStore _store = new();
    private readonly ManualClock _clock = new(Monday);
    private readonly Escalate _escalate = new();
    private Deadlines.Deadlines _deadlines = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _deadlines = new Deadlines.Deadlines(_store.Store, _store.Database.DataSource, _clock);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    private DeadlinePoller Poller() =>
        new(_store.Store, _store.Database.DataSource, _clock, [_escalate], new DeadlineOptions(), NullLogger<DeadlinePoller>.Instance);

    [Fact]
    public async Task A_deadline_written_with_the_request_fires_once_when_its_time_comes()
    {
        var request = await RequestWithSlaAsync(TimeSpan.FromHours(4));

        Assert.Equal(0, await Poller().FireDueAsync());
        _clock.Advance(TimeSpan.FromHours(4));
        Assert.Equal(1, await Poller().FireDueAsync());
        Assert.Equal(0, await Poller().FireDueAsync());

        Assert.Equal(["overtime requested", "escalated after 4 h"], await TextsAsync(request));
        Assert.Empty(await _deadlines.PendingAsync(request));
    }

    [Fact]
    public async Task A_request_whose_save_fails_leaves_no_deadline_behind()
    {
        var request = await RequestWithSlaAsync(TimeSpan.FromHours(4));

        await using var loser = _store.Store.LightweightSession();
        loser.Events.Append(request, 1, new Noted("a writer who read no stream")); // the stream is at 1 already: this append would make it 2
        _deadlines.Schedule(loser, Monday.AddHours(1), request, Escalate.Kind, new Sla(1));
        await Assert.ThrowsAnyAsync<JasperFx.ConcurrencyException>(() => loser.SaveChangesAsync());

        Assert.Single(await _deadlines.PendingAsync(request));
    }

    [Fact]
    public async Task A_deadline_cancelled_before_it_is_due_never_fires()
    {
        var request = await RequestWithSlaAsync(TimeSpan.FromHours(4));
        await using (var decided = _store.Store.LightweightSession())
        {
            decided.Events.Append(request, new Noted("granted"));
            _deadlines.Cancel(decided, request, Escalate.Kind);
            await decided.SaveChangesAsync();
        }

        _clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await Poller().FireDueAsync());
        Assert.Equal(["overtime requested", "granted"], await TextsAsync(request));
    }

    [Fact]
    public async Task Two_instances_polling_at_once_fire_each_deadline_once()
    {
        var requests = new List<string>();
        for (var i = 0; i < 20; i++) requests.Add(await RequestWithSlaAsync(TimeSpan.FromHours(4)));
        _clock.Advance(TimeSpan.FromHours(4));

        var fired = await Task.WhenAll(Poller().FireDueAsync(), Poller().FireDueAsync());

        Assert.Equal(20, fired.Sum());
        foreach (var request in requests)
            Assert.Equal(["overtime requested", "escalated after 4 h"], await TextsAsync(request));
    }

    [Fact]
    public async Task A_handler_that_fails_leaves_no_events_and_the_deadline_is_retried_later()
    {
        var request = await RequestWithSlaAsync(TimeSpan.FromHours(4));
        _clock.Advance(TimeSpan.FromHours(4));
        _escalate.FailNext = true;

        Assert.Equal(1, await Poller().FireDueAsync());
        Assert.Equal(["overtime requested"], await TextsAsync(request));
        var pending = Assert.Single(await _deadlines.PendingAsync(request));
        Assert.Equal(1, pending.Attempts);
        await using (var error = _store.Database.DataSource.CreateCommand($"SELECT last_error FROM {TestStore.Schema}.deadlines"))
            Assert.Contains("the approvals directory is down", (string)(await error.ExecuteScalarAsync())!);

        Assert.Equal(0, await Poller().FireDueAsync()); // not again at once: after a back-off
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await Poller().FireDueAsync());
        Assert.Equal(["overtime requested", "escalated after 4 h"], await TextsAsync(request));
    }

    private async Task<string> RequestWithSlaAsync(TimeSpan sla)
    {
        var request = TestStore.NewStream();
        await using var session = _store.Store.LightweightSession();
        session.Events.StartStream(request, new Noted("overtime requested"));
        _deadlines.Schedule(session, _clock.GetUtcNow() + sla, request, Escalate.Kind, new Sla((int)sla.TotalHours));
        await session.SaveChangesAsync();
        return request;
    }

    private async Task<string[]> TextsAsync(string stream)
    {
        await using var query = _store.Store.QuerySession();
        return [.. (await query.Events.FetchStreamAsync(stream)).Select(e => ((Noted)e.Data).Text)];
    }

    private sealed record Sla(int Hours);

    private sealed class Escalate : IDeadlineHandler
    {
        public const string Kind = "approval-sla";

        public bool FailNext { get; set; }

        string IDeadlineHandler.Kind => Kind;

        public Task HandleAsync(Deadline deadline, Writing.StoreTransaction tx, CancellationToken ct)
        {
            tx.Session.Events.Append(deadline.StreamId, new Noted($"escalated after {deadline.Payload.GetProperty("hours").GetInt32()} h"));
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("the approvals directory is down");
            }
            return Task.CompletedTask;
        }
    }
}
