namespace ExecutionLayer.EventSourcing.Tests;

/// <summary>Each refusal is a specific exception with a clear message, and the store is left exactly as it was.</summary>
public sealed class BadInputTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly IReadOnlyList<NewEvent> OneNote = NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "note"));

    private async Task AssertNothingWritten(Func<Task> append)
    {
        var before = await fixture.CountAsync("SELECT count(*) FROM test.events") + await fixture.CountAsync("SELECT count(*) FROM test.streams");
        await append();
        var after = await fixture.CountAsync("SELECT count(*) FROM test.events") + await fixture.CountAsync("SELECT count(*) FROM test.streams");
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("overtime-\u0000-1")]
    [InlineData("overtime\n1")]
    public Task A_stream_id_that_is_empty_or_has_control_characters_is_refused(string streamId) => AssertNothingWritten(async () =>
    {
        var e = await Assert.ThrowsAsync<InvalidStreamIdException>(() => fixture.Store.AppendAsync(streamId, "overtime", ExpectedVersion.Any, OneNote));
        Assert.Contains("Stream id", e.Message);
    });

    [Fact]
    public Task An_over_long_stream_id_is_refused_naming_the_limit() => AssertNothingWritten(async () =>
    {
        var e = await Assert.ThrowsAsync<InvalidStreamIdException>(() => fixture.Store.AppendAsync(new string('x', 201), "overtime", ExpectedVersion.Any, OneNote));
        Assert.Contains("maximum is 200", e.Message);
    });

    [Theory]
    [InlineData(-2L)]
    [InlineData(long.MinValue)]
    [InlineData(1L << 53)]
    [InlineData(long.MaxValue)]
    public void A_negative_or_huge_expected_version_is_refused(long version)
    {
        var e = Assert.Throws<InvalidExpectedVersionException>(() => ExpectedVersion.Exactly(version));
        Assert.Contains(version.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public Task A_nul_character_in_a_string_is_refused_before_postgres_sees_it() => AssertNothingWritten(async () =>
    {
        var e = await Assert.ThrowsAsync<InvalidEventDataException>(() => fixture.Store.AppendAsync(
            $"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "bad\u0000note"))));
        Assert.Contains("\\u0000", e.Message);
        Assert.Contains("overtime.noted", e.Message);
    });

    [Fact]
    public async Task A_literal_backslash_u0000_text_is_not_mistaken_for_nul()
    {
        var stream = $"overtime-{Guid.NewGuid():N}";
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "path C:\\u0000\\file")));
        var stored = (OvertimeNoted)(await fixture.Store.ReadStreamAsync(stream))[0].Data;
        Assert.Equal("path C:\\u0000\\file", stored.Note);
    }

    [Fact]
    public Task A_payload_over_the_configured_maximum_is_refused_with_its_size() => AssertNothingWritten(async () =>
    {
        var store = fixture.CreateStore(new EventStoreOptions { MaxEventBytes = 1024 });
        var e = await Assert.ThrowsAsync<EventTooLargeException>(() => store.AppendAsync(
            $"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), new string('n', 2000)))));
        Assert.Equal(1024, e.MaxBytes);
        Assert.True(e.Bytes > 2000);
    });

    [Fact]
    public async Task A_duplicate_event_id_is_refused_naming_it_and_the_losing_append_leaves_no_rows()
    {
        var id = Guid.NewGuid();
        await fixture.Store.AppendAsync($"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, [new NewEvent(new OvertimeNoted(Guid.NewGuid(), "first"), id)]);

        var otherStream = $"overtime-{Guid.NewGuid():N}";
        await AssertNothingWritten(async () =>
        {
            var e = await Assert.ThrowsAsync<DuplicateEventException>(() => fixture.Store.AppendAsync(
                otherStream, "overtime", ExpectedVersion.NoStream, [new NewEvent(new OvertimeNoted(Guid.NewGuid(), "again"), id)]));
            Assert.Equal(id, e.EventId);
        });
        Assert.Empty(await fixture.Store.ReadStreamAsync(otherStream));
    }

    [Fact]
    public Task The_same_event_id_twice_in_one_append_is_refused() => AssertNothingWritten(async () =>
    {
        var id = Guid.NewGuid();
        await Assert.ThrowsAsync<DuplicateEventException>(() => fixture.Store.AppendAsync($"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream,
            [new NewEvent(new OvertimeNoted(Guid.NewGuid(), "a"), id), new NewEvent(new OvertimeNoted(Guid.NewGuid(), "b"), id)]));
    });

    [Fact]
    public Task An_empty_append_is_refused() => AssertNothingWritten(async () =>
        await Assert.ThrowsAsync<InvalidAppendException>(() => fixture.Store.AppendAsync($"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream, [])));

    [Fact]
    public Task Metadata_with_control_characters_is_refused() => AssertNothingWritten(async () =>
        await Assert.ThrowsAsync<InvalidAppendException>(() => fixture.Store.AppendAsync($"overtime-{Guid.NewGuid():N}", "overtime", ExpectedVersion.NoStream,
            OneNote, new EventMetadata(Actor: "mallory\u0000"))));

    [Fact]
    public async Task An_unregistered_event_type_cannot_be_appended()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Store.AppendAsync($"overtime-{Guid.NewGuid():N}", "overtime",
            ExpectedVersion.NoStream, NewEvents.Of(new { Unregistered = true })));
        Assert.Contains("not registered", e.Message);
    }
}
