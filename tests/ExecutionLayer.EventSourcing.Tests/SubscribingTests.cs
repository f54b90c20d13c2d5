using ExecutionLayer.EventSourcing.Subscriptions;

namespace ExecutionLayer.EventSourcing.Tests;

/// <summary>
/// The log reader never passes an event that may still commit. Transactions are held open by hand,
/// so these tests are deterministic: no sleeps, no timing assumptions.
/// </summary>
public sealed class SubscribingTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private readonly LogReader _reader = new(fixture.Store);

    private async Task<IReadOnlyList<RecordedEvent>> ReadAfterAsync(LogPosition after)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        return await _reader.ReadAfterAsync(connection, null, after, 1_000, CancellationToken.None);
    }

    /// <summary>
    /// After the holding transaction ends, what was behind it arrives. Other test classes write to the
    /// same server meanwhile, and xmin is server-wide, so "arrives" is waited for, never assumed instant.
    /// </summary>
    private async Task<IReadOnlyList<RecordedEvent>> ReadOnceArrivedAsync(LogPosition after, int count)
    {
        IReadOnlyList<RecordedEvent> read = [];
        await ExecutionLayer.Testing.Eventually.TrueAsync(async () => (read = await ReadAfterAsync(after)).Count >= count, $"{count} events are readable");
        return read;
    }

    /// <summary>Where the log ends now; every test starts with all its earlier transactions committed.</summary>
    private async Task<LogPosition> HeadAsync()
    {
        await using var command = fixture.DataSource.CreateCommand("SELECT tx_id, position FROM test.events ORDER BY tx_id DESC, position DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)) : LogPosition.Start;
    }

    private static IReadOnlyList<NewEvent> Note(string text) => NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), text));

    [Fact]
    public async Task A_subscriber_does_not_pass_a_transaction_that_is_still_open_and_gets_both_in_order_after_it_commits()
    {
        var start = await HeadAsync();
        await using var t1 = await fixture.Store.BeginAsync();
        await t1.AppendAsync($"late-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("T1, committed late"), EventMetadata.None);

        await fixture.Store.AppendAsync($"early-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("T2, committed first"));

        Assert.Empty(await ReadAfterAsync(start));

        await t1.CommitAsync();
        var after = await ReadOnceArrivedAsync(start, 2);
        Assert.Equal(["T1, committed late", "T2, committed first"], after.Select(e => ((OvertimeNoted)e.Data).Note));
        Assert.Empty(await ReadAfterAsync(LogPosition.After(after[^1])));
    }

    [Fact]
    public async Task An_event_with_a_lower_position_that_commits_after_the_checkpoint_passed_a_higher_one_is_not_skipped()
    {
        var start = await HeadAsync();
        // T1 takes its transaction id first; T2 then draws the lower position; T1 draws the higher one.
        await using var t1 = await fixture.Store.BeginAsync();
        await using (var takeXid = t1.CreateCommand("SELECT pg_current_xact_id()")) await takeXid.ExecuteScalarAsync();
        await using var t2 = await fixture.Store.BeginAsync();
        await t2.AppendAsync($"s-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("T2"), EventMetadata.None);
        await t1.AppendAsync($"s-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("T1"), EventMetadata.None);
        await t1.CommitAsync();

        var first = Assert.Single(await ReadOnceArrivedAsync(start, 1));
        Assert.Equal("T1", ((OvertimeNoted)first.Data).Note);
        var checkpoint = LogPosition.After(first);

        await t2.CommitAsync();
        var second = Assert.Single(await ReadOnceArrivedAsync(checkpoint, 1));
        Assert.Equal("T2", ((OvertimeNoted)second.Data).Note);
        Assert.True(second.Position < first.Position, "a position-only checkpoint would have skipped T2 for ever");
    }

    [Fact]
    public async Task A_rolled_back_append_leaves_a_hole_in_positions_that_never_stalls_a_subscriber()
    {
        var start = await HeadAsync();
        await using (var doomed = await fixture.Store.BeginAsync())
        {
            await doomed.AppendAsync($"doomed-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("rolled back"), EventMetadata.None);
            // disposed without commit: rolled back
        }
        var kept = await fixture.Store.AppendAsync($"kept-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("kept"));

        var read = await ReadOnceArrivedAsync(start, 1);
        var e = Assert.Single(read);
        Assert.Equal("kept", ((OvertimeNoted)e.Data).Note);
        Assert.True(kept.Positions[0] > start.Position + 1, "the rolled-back append drew a position and left a hole");
    }

    [Fact]
    public async Task A_long_open_transaction_pauses_subscribers_however_long_and_nothing_is_skipped_after()
    {
        var start = await HeadAsync();
        await using var open = await fixture.Store.BeginAsync();
        await open.AppendAsync($"open-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note("held"), EventMetadata.None);
        for (var i = 0; i < 20; i++)
            await fixture.Store.AppendAsync($"later-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, Note($"later {i}"));

        for (var poll = 0; poll < 5; poll++)
            Assert.Empty(await ReadAfterAsync(start));

        await open.CommitAsync();
        var all = await ReadOnceArrivedAsync(start, 21);
        Assert.Equal(21, all.Count);
        Assert.Equal("held", ((OvertimeNoted)all[0].Data).Note);
    }
}
