using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Testing;
using Marten;

namespace ExecutionLayer.Store.Tests;

/// <summary>A message delivered more than once — redelivered after a crash, re-published by an outbox — has one effect.</summary>
public sealed class InboxTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private MessageInbox _inbox = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _inbox = new MessageInbox(_store.Store, _store.Database.DataSource, TimeProvider.System);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task A_message_handled_twice_appends_its_events_once()
    {
        var (stream, message) = (TestStore.NewStream(), Guid.NewGuid());

        Assert.True(await _inbox.HandleOnceAsync("cases", message, tx => Note(tx, stream, "breakdown at CNC-7")));
        Assert.False(await _inbox.HandleOnceAsync("cases", message, tx => Note(tx, stream, "breakdown at CNC-7")));

        Assert.Equal(["breakdown at CNC-7"], await TextsAsync(stream));
    }

    [Fact]
    public async Task The_same_message_is_handled_once_by_each_consumer()
    {
        var message = Guid.NewGuid();
        var (cases, actions) = (TestStore.NewStream(), TestStore.NewStream());

        Assert.True(await _inbox.HandleOnceAsync("cases", message, tx => Note(tx, cases, "case opened")));
        Assert.True(await _inbox.HandleOnceAsync("actions", message, tx => Note(tx, actions, "action created")));

        Assert.Equal(["case opened"], await TextsAsync(cases));
        Assert.Equal(["action created"], await TextsAsync(actions));
    }

    [Fact]
    public async Task A_handler_that_throws_leaves_neither_its_events_nor_the_mark_and_the_redelivery_is_handled()
    {
        var (stream, message) = (TestStore.NewStream(), Guid.NewGuid());

        await Assert.ThrowsAsync<InvalidOperationException>(() => _inbox.HandleOnceAsync("cases", message, async tx =>
        {
            await Note(tx, stream, "half done");
            throw new InvalidOperationException("the handler failed after deciding");
        }));
        Assert.Empty(await TextsAsync(stream));

        Assert.True(await _inbox.HandleOnceAsync("cases", message, tx => Note(tx, stream, "done on redelivery")));
        Assert.Equal(["done on redelivery"], await TextsAsync(stream));
    }

    [Fact]
    public async Task Two_deliveries_of_one_message_at_once_have_one_effect_the_second_waiting_for_the_first()
    {
        var (stream, message) = (TestStore.NewStream(), Guid.NewGuid());
        var (marked, release) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        var first = _inbox.HandleOnceAsync("cases", message, async tx =>
        {
            marked.SetResult(); // the work runs only once the mark is written, uncommitted
            await Note(tx, stream, "first delivery");
            await release.Task;
        });
        await marked.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await MarksAsync(message));
        var second = _inbox.HandleOnceAsync("cases", message, tx => Note(tx, stream, "second delivery"));
        await Eventually.TrueAsync(async () => await WaitingOnLocksAsync() == 1, "the second delivery waits on the first's mark", TimeSpan.FromSeconds(60));

        release.SetResult();
        Assert.True(await first);
        Assert.False(await second);
        Assert.Equal(["first delivery"], await TextsAsync(stream));
    }

    [Fact]
    public async Task A_batch_runs_its_work_for_the_messages_not_handled_before_and_a_failed_batch_keeps_no_mark()
    {
        var stream = TestStore.NewStream();
        var (handled, fresh, again) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Assert.True(await _inbox.HandleOnceAsync("kpis", handled, tx => Note(tx, stream, handled.ToString())));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _inbox.HandleEachOnceAsync("kpis", [fresh, again], async (tx, ids) =>
        {
            await Note(tx, stream, "half a batch");
            throw new InvalidOperationException("the batch failed");
        }));
        Assert.Equal(0, await MarksAsync(fresh));

        var ran = await _inbox.HandleEachOnceAsync("kpis", [handled, fresh, again, fresh], async (tx, ids) =>
        {
            foreach (var id in ids.Order()) await Note(tx, stream, id.ToString());
        });

        Assert.Equal(new[] { fresh, again }.Order(), ran.Order());
        var texts = await TextsAsync(stream);
        Assert.Equal([handled.ToString(), .. new[] { fresh, again }.Order().Select(id => id.ToString())], texts);
        Assert.Empty(await _inbox.HandleEachOnceAsync("kpis", [handled, fresh, again], (_, _) => throw new InvalidOperationException("ran for nothing")));
    }

    private static Task Note(Writing.StoreTransaction tx, string stream, string text)
    {
        tx.Session.Events.Append(stream, new Noted(text));
        return Task.CompletedTask;
    }

    private async Task<string[]> TextsAsync(string stream)
    {
        await using var query = _store.Store.QuerySession();
        return [.. (await query.Events.FetchStreamAsync(stream)).Select(e => ((Noted)e.Data).Text)];
    }

    /// <summary>Committed marks only: an uncommitted one is invisible to another session.</summary>
    private async Task<long> MarksAsync(Guid message)
    {
        await using var command = _store.Database.DataSource.CreateCommand($"SELECT count(*) FROM {TestStore.Schema}.inbox WHERE message_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = message });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task<long> WaitingOnLocksAsync()
    {
        await using var command = _store.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
