using Marten;

namespace ExecutionLayer.Store.Tests;

/// <summary>Two writers deciding on the same version of a stream: one wins, the other appends nothing and is told.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private readonly TestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Of_two_writers_who_read_version_one_the_second_to_save_appends_nothing_and_gets_a_concurrency_error()
    {
        var stream = TestStore.NewStream();
        await _store.StartStreamAsync(stream, "opened");

        // Marten's expected version is the stream's version after the append: both writers read 1 and append one event.
        await using var first = _store.Store.LightweightSession();
        await using var second = _store.Store.LightweightSession();
        first.Events.Append(stream, 2, new Noted("first writer"));
        second.Events.Append(stream, 2, new Noted("second writer"));
        await first.SaveChangesAsync();
        await Assert.ThrowsAnyAsync<JasperFx.ConcurrencyException>(() => second.SaveChangesAsync());

        await using var query = _store.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(stream);
        Assert.Equal(["opened", "first writer"], events.Select(e => ((Noted)e.Data).Text));
        Assert.Equal(2, events[^1].Version);
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_appends_nothing_and_is_told_the_stream_exists()
    {
        var stream = TestStore.NewStream();
        await _store.StartStreamAsync(stream, "opened");
        await using var again = _store.Store.LightweightSession();
        again.Events.StartStream(stream, new Noted("opened again"));
        // Not a ConcurrencyException: whatever maps a lost race to 409 must know this one too.
        await Assert.ThrowsAsync<Marten.Exceptions.ExistingStreamIdCollisionException>(() => again.SaveChangesAsync());

        await using var query = _store.Store.QuerySession();
        Assert.Equal(["opened"], (await query.Events.FetchStreamAsync(stream)).Select(e => ((Noted)e.Data).Text));
    }
}
