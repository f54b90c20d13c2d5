using ExecutionLayer.Store.Writing;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Store.Tests;

/// <summary>
/// Writers that must take turns are written in groups: whoever queued while a group was written goes into the next one,
/// in order, and each still learns only its own outcome. (No database: the write is a recording that the test holds open.)
/// </summary>
public sealed class GroupCommitTests
{
    /// <summary>Records each group it is given; the first write waits until the test lets it go, so the others queue behind it.</summary>
    private sealed class Writes
    {
        private readonly TaskCompletionSource _firstMayFinish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<string[]> _groups = [];

        public Writes(int maxWeight = 100) => Commit = new GroupCommit<string>(WriteAsync, item => item.Length, maxWeight);

        public GroupCommit<string> Commit { get; }

        public List<string[]> Groups
        {
            get
            {
                lock (_gate) return [.. _groups];
            }
        }

        public void LetTheFirstFinish() => _firstMayFinish.TrySetResult();

        /// <summary>Starts a writer and waits until it is where the test wants it: writing (the first) or queued.</summary>
        public async Task<Task> StartAsync(string item, int queued, CancellationToken ct = default)
        {
            var writing = Commit.WriteAsync(item, ct);
            await Eventually.TrueAsync(() => Task.FromResult(queued == 0 ? Groups.Count == 1 : Commit.Queued == queued), $"{item} {(queued == 0 ? "writing" : "queued")}");
            return writing;
        }

        private async Task WriteAsync(IReadOnlyList<string> group)
        {
            bool first;
            lock (_gate)
            {
                first = _groups.Count == 0;
                _groups.Add([.. group]);
            }
            if (first) await _firstMayFinish.Task;
            if (group.Contains("bad")) throw new InvalidOperationException("bad input");
        }
    }

    [Fact]
    public async Task Writers_queued_while_a_group_is_written_are_the_next_group_in_the_order_they_came()
    {
        var writes = new Writes();
        var a = await writes.StartAsync("a", queued: 0);
        var later = new[] { await writes.StartAsync("b", queued: 1), await writes.StartAsync("c", queued: 2), await writes.StartAsync("d", queued: 3) };

        writes.LetTheFirstFinish();
        await Task.WhenAll([a, .. later]);

        Assert.Equal([["a"], ["b", "c", "d"]], writes.Groups);
        Assert.Equal(0, writes.Commit.Queued);
    }

    [Fact]
    public async Task When_a_group_fails_each_of_its_writers_is_written_alone_and_only_the_bad_one_fails()
    {
        var writes = new Writes();
        var a = await writes.StartAsync("a", queued: 0);
        var (b, bad, d) = (await writes.StartAsync("b", queued: 1), await writes.StartAsync("bad", queued: 2), await writes.StartAsync("d", queued: 3));

        writes.LetTheFirstFinish();
        await Task.WhenAll(a, b, d);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);

        Assert.Equal("bad input", failure.Message);
        Assert.Equal([["a"], ["b", "bad", "d"], ["b"], ["bad"], ["d"]], writes.Groups);
    }

    [Fact]
    public async Task A_group_stops_growing_at_its_weight_and_a_heavier_writer_is_a_group_of_its_own()
    {
        var writes = new Writes(maxWeight: 8);
        var a = await writes.StartAsync("a", queued: 0);
        var later = new[]
        {
            await writes.StartAsync("bbbb", queued: 1), await writes.StartAsync("cccc", queued: 2),
            await writes.StartAsync("dddd", queued: 3), await writes.StartAsync("eeeeeeeeeeee", queued: 4),
        };

        writes.LetTheFirstFinish();
        await Task.WhenAll([a, .. later]);

        Assert.Equal([["a"], ["bbbb", "cccc"], ["dddd"], ["eeeeeeeeeeee"]], writes.Groups);
    }

    [Fact]
    public async Task A_writer_whose_caller_leaves_while_it_is_queued_is_never_written()
    {
        var writes = new Writes();
        var a = await writes.StartAsync("a", queued: 0);
        using var leaving = new CancellationTokenSource();
        var b = await writes.StartAsync("b", queued: 1, leaving.Token);
        var c = await writes.StartAsync("c", queued: 2);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        writes.LetTheFirstFinish();
        await Task.WhenAll(a, c);

        Assert.Equal([["a"], ["c"]], writes.Groups);
    }

    [Fact]
    public async Task Many_writers_at_once_are_each_written_exactly_once()
    {
        var writes = new Writes();
        writes.LetTheFirstFinish();
        var items = Enumerable.Range(0, 500).Select(i => $"w{i}").ToList();

        await Task.WhenAll(items.Select(item => Task.Run(() => writes.Commit.WriteAsync(item, CancellationToken.None))));

        var written = writes.Groups.SelectMany(g => g).ToList();
        Assert.Equal(items.Order(), written.Order());
        Assert.Equal(0, writes.Commit.Queued);
    }
}
