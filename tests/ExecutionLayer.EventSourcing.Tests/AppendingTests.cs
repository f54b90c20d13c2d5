namespace ExecutionLayer.EventSourcing.Tests;

public sealed class AppendingTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private EventStore Store => fixture.Store;

    private static string NewStream() => $"overtime-{Guid.NewGuid():N}";

    private static OvertimeRequested Requested(string stream) =>
        new(Guid.NewGuid(), "OH-DAYTON", 18_000m, "planner@oh-dayton", StoreFixture.Monday);

    [Fact]
    public async Task Appending_to_a_new_stream_numbers_events_from_one_and_records_metadata()
    {
        var stream = NewStream();
        var metadata = new EventMetadata("SO-1001", "case-42", "planner@oh-dayton", "OH-DAYTON", StoreFixture.Monday.AddMinutes(-1));

        var result = await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream,
            NewEvents.Of(Requested(stream), new OvertimeNoted(Guid.NewGuid(), "Saturday shift")), metadata);

        Assert.Equal(2, result.NextExpectedVersion);
        Assert.True(result.Positions[1] > result.Positions[0]);
        var events = await Store.ReadStreamAsync(stream);
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.IsType<OvertimeRequested>(events[0].Data);
        Assert.Equal("overtime.requested", events[0].EventType);
        Assert.Equal(metadata, events[0].Metadata);
        Assert.Equal(StoreFixture.Monday.AddMinutes(-1), events[0].OccurredAt);
    }

    [Fact]
    public async Task Appending_at_the_expected_version_succeeds_and_at_a_stale_one_conflicts_without_writing()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "a")));

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.AppendAsync(stream, "overtime", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "b"))));

        Assert.Equal(2, conflict.ActualVersion);
        Assert.Equal(2, (await Store.ReadStreamAsync(stream)).Count);
    }

    [Fact]
    public async Task Creating_a_stream_that_exists_conflicts()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream))));
        Assert.Equal(1, conflict.ActualVersion);
    }

    [Fact]
    public async Task Expecting_a_version_of_a_missing_stream_conflicts()
    {
        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.AppendAsync(NewStream(), "overtime", ExpectedVersion.Exactly(3), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "x"))));
        Assert.Null(conflict.ActualVersion);
    }

    [Fact]
    public async Task Any_appends_whatever_the_version_and_creates_the_stream_when_missing()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.Any, NewEvents.Of(Requested(stream)));
        var second = await Store.AppendAsync(stream, "overtime", ExpectedVersion.Any, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "x")));
        Assert.Equal(2, second.NextExpectedVersion);
    }

    [Fact]
    public async Task Appending_events_of_another_stream_type_is_refused()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
        await Assert.ThrowsAsync<InvalidAppendException>(() =>
            Store.AppendAsync(stream, "deviation", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "x"))));
    }

    [Fact]
    public async Task Of_many_concurrent_writers_at_the_same_version_exactly_one_wins_and_losers_leave_no_rows()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
        var positionsBefore = await fixture.CountAsync("SELECT count(*) FROM test.events");

        const int writers = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, writers).Select(async i =>
        {
            await start.Task;
            try
            {
                await Store.AppendAsync(stream, "overtime", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), $"writer {i}")));
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await Store.ReadStreamAsync(stream)).Count);
        Assert.Equal(positionsBefore + 1, await fixture.CountAsync("SELECT count(*) FROM test.events"));
        Assert.Equal(2, await fixture.CountAsync($"SELECT version FROM test.streams WHERE stream_id = '{stream}'"));
    }

    [Fact]
    public async Task Of_concurrent_creators_of_one_stream_exactly_one_wins()
    {
        var stream = NewStream();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }));
        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Single(await Store.ReadStreamAsync(stream));
    }

    [Fact]
    public async Task A_unit_of_work_appends_to_several_streams_atomically()
    {
        var (first, second) = (NewStream(), NewStream());
        await Store.AppendAsync(second, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(second)));

        await using (var uow = await Store.BeginAsync())
        {
            await uow.AppendAsync(first, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(first)), EventMetadata.None);
            await Assert.ThrowsAsync<ConcurrencyException>(() =>
                uow.AppendAsync(second, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(second)), EventMetadata.None));
        }

        Assert.Empty(await Store.ReadStreamAsync(first));

        await using (var uow = await Store.BeginAsync())
        {
            await uow.AppendAsync(first, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(first)), EventMetadata.None);
            await uow.AppendAsync(second, "overtime", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "x")), EventMetadata.None);
            await uow.CommitAsync();
        }
        Assert.Single(await Store.ReadStreamAsync(first));
        Assert.Equal(2, (await Store.ReadStreamAsync(second)).Count);
    }

    [Fact]
    public async Task Deciding_loads_the_state_and_appends_on_the_version_decided_on()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));

        var result = await Store.DecideAsync<Overtime>(stream, ExpectedVersion.Exactly(1),
            s => Overtime.Approve(s, "director@oh-dayton", StoreFixture.Monday.AddHours(7)), EventMetadata.None);

        Assert.Equal(2, result.NextExpectedVersion);
        var loaded = await Store.LoadAsync<Overtime>(stream);
        Assert.Equal(OvertimeStatus.Approved, loaded.State.Status);
    }

    [Fact]
    public async Task Deciding_with_a_stale_if_match_version_conflicts_before_deciding()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream), new OvertimeNoted(Guid.NewGuid(), "x")));
        var decided = false;
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.DecideAsync<Overtime>(stream, ExpectedVersion.Exactly(1), s =>
        {
            decided = true;
            return Overtime.Approve(s, "director", StoreFixture.Monday);
        }, EventMetadata.None));
        Assert.False(decided);
    }

    [Fact]
    public async Task A_decision_that_breaks_the_aggregates_state_rules_is_refused_and_writes_nothing()
    {
        var stream = NewStream();
        await Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(Requested(stream)));
        await Store.DecideAsync<Overtime>(stream, ExpectedVersion.Any, s => Overtime.Approve(s, "director", StoreFixture.Monday), EventMetadata.None);

        await Assert.ThrowsAsync<Store.Decisions.InvalidStateException>(() =>
            Store.DecideAsync<Overtime>(stream, ExpectedVersion.Any, s => Overtime.Approve(s, "director", StoreFixture.Monday), EventMetadata.None));
        Assert.Equal(2, (await Store.ReadStreamAsync(stream)).Count);
    }
}
