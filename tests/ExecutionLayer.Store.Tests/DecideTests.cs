using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Store.Tests;

/// <summary>The one write path: fold through Marten, check the caller's version, decide, append in the caller's transaction.</summary>
public sealed class DecideTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private ServiceStore _service = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _service = new ServiceStore(_store.Store, _store.Database.DataSource, TimeProvider.System);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    private static IReadOnlyList<Noted> Note(string text) => [new Noted(text)];

    private async Task<Decided<NoteLog, Noted>> DecideAsync(string stream, string text, long? expected = null)
    {
        await using var tx = await _service.BeginAsync(CancellationToken.None);
        var decided = await tx.DecideAsync<NoteLog, Noted>(stream, expected, _ => Note(text), _ => Provenance.None, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return decided;
    }

    [Fact]
    public async Task A_decision_sees_the_stream_folded_by_the_aggregate_s_Evolve_and_appends_after_it()
    {
        var stream = TestStore.NewStream();
        await DecideAsync(stream, "CNC-4 down");

        await using var tx = await _service.BeginAsync(CancellationToken.None);
        NoteLog? seen = null;
        var decided = await tx.DecideAsync<NoteLog, Noted>(stream, 1, s => { seen = s; return Note("spindle replaced"); }, _ => Provenance.None, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);

        Assert.Equal(new NoteLog(1, "CNC-4 down"), seen);
        Assert.Equal((new NoteLog(2, "spindle replaced"), 2L), (decided.State, decided.Version));
        Assert.Equal((new NoteLog(2, "spindle replaced"), 2L), (await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)) is var l ? (l.State, l.Version) : default);
    }

    [Fact]
    public async Task A_command_decided_on_a_stale_version_conflicts_and_appends_nothing()
    {
        var stream = TestStore.NewStream();
        await DecideAsync(stream, "CNC-4 down");
        await DecideAsync(stream, "waiting for the bearing");

        var conflict = await Assert.ThrowsAsync<StreamConflictException>(() => DecideAsync(stream, "spindle replaced", expected: 1));

        Assert.Equal(2, conflict.ActualVersion);
        Assert.Equal(2, (await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)).Version);
        await Assert.ThrowsAsync<StreamConflictException>(() => DecideAsync(TestStore.NewStream(), "on a stream nobody started", expected: 3));
    }

    /// <summary>Eight writers deciding on the stream at the same moment; what state each one decided on.</summary>
    private async Task<IReadOnlyList<int>> EightAtOnceAsync(string stream)
    {
        var counts = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await using var tx = await _service.BeginAsync(CancellationToken.None);
            await tx.DecideAsync<NoteLog, Noted>(stream, null, s => { counts.Add(s.Count); return Note($"writer {i}"); }, _ => Provenance.None, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        })));
        return [.. counts.Order()];
    }

    [Fact]
    public async Task Writers_deciding_on_one_stream_at_once_take_turns_and_each_decides_on_what_the_one_before_left()
    {
        var stream = TestStore.NewStream();

        Assert.Equal(Enumerable.Range(0, 8), await EightAtOnceAsync(stream));
        Assert.Equal(8, (await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Writers_deciding_at_once_on_a_stream_that_exists_take_turns_too()
    {
        var stream = TestStore.NewStream();
        await DecideAsync(stream, "CNC-4 down");

        Assert.Equal(Enumerable.Range(1, 8), await EightAtOnceAsync(stream));
        Assert.Equal(9, (await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Two_decisions_on_one_stream_in_one_transaction_see_each_other_and_a_transaction_not_committed_leaves_nothing()
    {
        var stream = TestStore.NewStream();
        await using (var tx = await _service.BeginAsync(CancellationToken.None))
        {
            await tx.DecideAsync<NoteLog, Noted>(stream, null, _ => Note("CNC-4 down"), _ => Provenance.None, CancellationToken.None);
            var second = await tx.DecideAsync<NoteLog, Noted>(stream, 1, s => Note($"after {s.Last}"), _ => Provenance.None, CancellationToken.None);
            Assert.Equal((new NoteLog(2, "after CNC-4 down"), 2L), (second.State, second.Version));
        }

        Assert.False((await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)).Exists);
    }

    [Fact]
    public async Task A_stream_reads_as_it_was_at_a_version_and_at_a_time()
    {
        var stream = TestStore.NewStream();
        await DecideAsync(stream, "CNC-4 down");
        await DecideAsync(stream, "bearing ordered");
        var between = await RecordedAtAsync(stream, 2);
        await DecideAsync(stream, "spindle replaced");

        Assert.Equal(new NoteLog(1, "CNC-4 down"), (await _service.LoadAsOfAsync<NoteLog>(stream, 1, null, CancellationToken.None)).State);
        Assert.Equal((new NoteLog(2, "bearing ordered"), 2L), (await _service.LoadAsOfAsync<NoteLog>(stream, null, between, CancellationToken.None)) is var l ? (l.State, l.Version) : default);
        Assert.Equal(3, (await _service.LoadAsync<NoteLog>(stream, CancellationToken.None)).Version);
    }

    private async Task<DateTimeOffset> RecordedAtAsync(string stream, long version) =>
        (await _service.ReadStreamAsync(stream, version, null, CancellationToken.None))[^1].Timestamp;
}
