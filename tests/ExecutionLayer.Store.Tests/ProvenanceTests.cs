using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Testing;
using Npgsql;

namespace ExecutionLayer.Store.Tests;

/// <summary>Every event says who caused it and in which trace: read back from the stream, and in the pages a subscription (the outbox) is handed.</summary>
public sealed class ProvenanceTests : IAsyncLifetime
{
    private readonly TestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    private static readonly Provenance RelayedGrant = new(
        CorrelationId: "c0ffee00c0ffee00c0ffee00c0ffee00", CausationId: "msg-7f3a", Actor: "approvals-bridge", OnBehalfOf: "p.manager",
        Site: "OH-DAYTON", TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        OccurredAt: new DateTimeOffset(2026, 11, 23, 13, 40, 0, TimeSpan.Zero).AddTicks(1234567));

    [Fact]
    public async Task An_event_appended_for_a_person_by_a_relaying_client_says_who_sent_it_for_whom_where_and_in_which_trace()
    {
        var stream = TestStore.NewStream();
        await using (var session = _store.Store.LightweightSession())
        {
            session.Record(RelayedGrant).Events.StartStream(stream, new Noted("overtime granted"));
            await session.SaveChangesAsync();
        }

        await using var query = _store.Store.QuerySession();
        Assert.Equal(RelayedGrant, Provenance.Of(Assert.Single(await query.Events.FetchStreamAsync(stream))));
    }

    [Fact]
    public async Task A_request_s_provenance_is_the_signed_caller_and_the_person_it_relays_for()
    {
        var bridge = new ExecutionLayer.ServiceDefaults.Identity.Caller("approvals-bridge", new HashSet<string> { "act-on-behalf" }, ["OH-DAYTON"])
        {
            OnBehalfOf = "p.manager",
        };
        var stream = TestStore.NewStream();
        await using (var session = _store.Store.LightweightSession())
        {
            session.Record(Provenance.Of(bridge, causationId: "msg-7f3a", site: "OH-DAYTON")).Events.StartStream(stream, new Noted("overtime granted"));
            await session.SaveChangesAsync();
        }

        await using var query = _store.Store.QuerySession();
        var stored = Provenance.Of(Assert.Single(await query.Events.FetchStreamAsync(stream)));
        Assert.Equal(("approvals-bridge", "p.manager", "msg-7f3a", "OH-DAYTON"), (stored.Actor, stored.OnBehalfOf, stored.CausationId, stored.Site));
    }

    [Fact]
    public async Task A_subscription_page_carries_the_same_provenance_and_an_event_without_any_carries_none()
    {
        await using var daemon = await _store.StartDaemonAsync();
        await using (var session = _store.Store.LightweightSession())
        {
            session.Record(RelayedGrant).Events.StartStream(TestStore.NewStream(), new Noted("overtime granted"));
            await session.SaveChangesAsync();
        }
        await _store.AppendAsync("a fact with no one behind it");

        await Eventually.TrueAsync(() => _store.Delivered.Events.Count == 2, "both events are delivered", TimeSpan.FromSeconds(60));
        Assert.Equal([RelayedGrant, Provenance.None], _store.Delivered.Events.Select(Provenance.Of));
    }

    [Fact]
    public async Task Events_saved_together_each_keep_the_provenance_they_were_appended_with()
    {
        var stream = TestStore.NewStream();
        var first = RelayedGrant with { OccurredAt = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero) };
        var second = RelayedGrant with { OccurredAt = new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.Zero), Site = "GA-SAVANNAH" };
        await using (var dataSource = NpgsqlDataSource.Create(_store.Database.ConnectionString))
        await using (var tx = await StoreTransaction.BeginAsync(_store.Store, dataSource, TimeProvider.System, default))
        {
            await tx.AppendEachRecordedAsync([(stream, new Noted("shift A started"), Guid.NewGuid(), first), (stream, new Noted("shift B started"), Guid.NewGuid(), second)], default);
            await tx.CommitAsync(default);
        }

        await using var query = _store.Store.QuerySession();
        Assert.Equal([first, second], (await query.Events.FetchStreamAsync(stream)).Select(Provenance.Of));
    }

    [Fact]
    public async Task A_session_s_provenance_is_stamped_over_what_an_event_carries_which_is_why_such_events_are_saved_before_any_is_recorded()
    {
        var stream = TestStore.NewStream();
        var first = RelayedGrant with { OccurredAt = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero) };
        await using (var session = _store.Store.LightweightSession())
        {
            session.Record(RelayedGrant);
            session.Events.Append(stream, Recorded.With(new Noted("shift A started"), first with { Actor = "other" }));
            await session.SaveChangesAsync();
        }

        await using var query = _store.Store.QuerySession();
        Assert.Equal([RelayedGrant], (await query.Events.FetchStreamAsync(stream)).Select(Provenance.Of));
    }

    [Fact]
    public async Task A_transaction_that_recorded_a_provenance_for_its_session_refuses_events_that_carry_their_own()
    {
        await using var dataSource = NpgsqlDataSource.Create(_store.Database.ConnectionString);
        await using var tx = await StoreTransaction.BeginAsync(_store.Store, dataSource, TimeProvider.System, default);
        tx.Record(RelayedGrant);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            tx.AppendEachRecordedAsync([(TestStore.NewStream(), new Noted("shift A started"), Guid.NewGuid(), RelayedGrant)], default));
    }
}
