using ExecutionLayer.Store.Intake;
using Marten;

namespace ExecutionLayer.Store.Tests;

/// <summary>The ERP posts "CNC-4 down" twice — once more on a retry, or twice at once from two workers: it is stored once, for ever.</summary>
public sealed class IntakeKeyTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private IntakeKeys _keys = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _keys = new IntakeKeys(_store.Store, _store.Database.DataSource);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    /// <summary>What an intake handler does for one fresh event: append it to the source's stream and claim its key, in one SaveChanges.</summary>
    private IDocumentSession Posting(string stream, string source, string id, string text)
    {
        var session = _store.Store.LightweightSession();
        var posted = session.Events.Append(stream, new Noted(text)).Events[^1];
        _keys.Claim(session, [(source, id, posted.Id)]);
        return session;
    }

    private async Task<int> EventsInAsync(string stream)
    {
        await using var query = _store.Store.QuerySession();
        return (await query.Events.FetchStreamAsync(stream)).Count;
    }

    [Fact]
    public async Task An_event_posted_again_is_found_stored_under_its_source_and_id_with_the_event_it_was_stored_as()
    {
        var stream = TestStore.NewStream();
        Guid first;
        await using (var session = Posting(stream, "mes-dayton", "evt-4711", "CNC-4 down"))
        {
            await session.SaveChangesAsync();
            await using var query = _store.Store.QuerySession();
            first = Assert.Single(await query.Events.FetchStreamAsync(stream)).Id;
        }

        var stored = await _keys.StoredAsync([("mes-dayton", "evt-4711"), ("mes-dayton", "evt-4712"), ("erp-smyrna", "evt-4711")]);

        Assert.Equal(first, Assert.Single(stored, k => k.Key == ("mes-dayton", "evt-4711")).Value);
        Assert.Single(stored);
    }

    [Fact]
    public async Task Two_posts_of_one_event_racing_past_the_lookup_store_it_once_and_the_second_is_refused_on_its_key_with_nothing_of_it_kept()
    {
        var stream = TestStore.NewStream();
        await using var first = Posting(stream, "mes-dayton", "evt-4711", "CNC-4 down");
        await using var second = Posting(stream, "mes-dayton", "evt-4711", "CNC-4 down");
        // The second post's other event, fresh, goes down with it: it is stored when the handler looks again.
        second.Events.Append(stream, new Noted("CNC-5 down"));
        _keys.Claim(second, [("mes-dayton", "evt-4712", Guid.NewGuid())]);

        await first.SaveChangesAsync();
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());

        Assert.True(IntakeKeys.Refused(refusal), refusal.ToString());
        Assert.Equal(1, await EventsInAsync(stream));
        Assert.Equal([("mes-dayton", "evt-4711")], (await _keys.StoredAsync([("mes-dayton", "evt-4711"), ("mes-dayton", "evt-4712")])).Keys);
    }

    [Fact]
    public async Task A_failure_of_another_kind_is_not_taken_for_a_duplicate()
    {
        var stream = TestStore.NewStream();
        await using (var session = _store.Store.LightweightSession())
        {
            session.Events.StartStream(stream, new Noted("CNC-4 down"));
            await session.SaveChangesAsync();
        }
        await using var again = _store.Store.LightweightSession();
        again.Events.StartStream(stream, new Noted("CNC-4 down"));

        Assert.False(IntakeKeys.Refused(await Assert.ThrowsAnyAsync<Exception>(() => again.SaveChangesAsync())));
    }
}
