namespace ExecutionLayer.Store.Writing;

/// <summary>
/// Group commit for writers that must go one at a time (a turn). While one group is being written, the writers that
/// arrive queue; when it is done, the first of them leads the next group and takes every writer queued by then, in the
/// order they came, up to <paramref name="maxWeight"/> — one transaction for all of them instead of one each, so what a
/// transaction costs whatever its size (begin, the turn, the shared reads, the commit's flush) is paid once per group.
/// The leader is a caller, not a background loop: nothing is left queued when the host stops taking requests, and each
/// caller still waits for exactly its own outcome. When a group fails, its writers are written again one by one, so one
/// writer's bad input or lost race fails only that writer.
/// </summary>
/// <param name="write">Writes the items together, all or nothing. Given one item, it is that item's own transaction.</param>
/// <param name="weight">How much of a group an item takes (an intake post: its events).</param>
/// <param name="maxWeight">A group stops growing here; an item heavier than this is a group of its own.</param>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> write, Func<T, int> weight, int maxWeight) where T : notnull
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiting> _queue = new();
    private bool _writing; // a leader is writing a group or about to; only it hands the lead on

    /// <summary>How many writers are queued for the next group (not counting the group being written).</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <summary>
    /// Returns once <paramref name="item"/> is written (committed), or throws what writing it alone threw. Cancelling while
    /// the item is still queued takes it out; once a group holds it, it is written whatever the caller does, because the
    /// group's other writers must not be undone by one caller leaving.
    /// </summary>
    public async Task WriteAsync(T item, CancellationToken ct)
    {
        var waiting = new Waiting(item);
        bool lead;
        lock (_gate)
        {
            waiting.Node = _queue.AddLast(waiting);
            lead = !_writing;
            _writing = true;
        }
        if (!lead)
        {
            await using (ct.Register(() => Abandon(waiting, ct)))
                await Task.WhenAny(waiting.Lead.Task, waiting.Written.Task);
            // Handed the lead: lead, even if this caller has gone meanwhile, or nobody would take the queue on.
            lead = waiting.Lead.Task.IsCompleted;
        }
        if (lead) await LeadAsync();
        await waiting.Written.Task;
    }

    private async Task LeadAsync()
    {
        List<Waiting> group;
        lock (_gate) group = TakeGroup();
        try
        {
            if (group.Count > 0) await WriteGroupAsync(group);
        }
        finally
        {
            lock (_gate)
            {
                if (_queue.First is { } next) next.Value.Lead.TrySetResult();
                else _writing = false;
            }
        }
    }

    private List<Waiting> TakeGroup()
    {
        var group = new List<Waiting>();
        var taken = 0;
        while (_queue.First is { } first && (group.Count == 0 || taken + weight(first.Value.Item) <= maxWeight))
        {
            taken += weight(first.Value.Item);
            _queue.RemoveFirst();
            first.Value.Node = null;
            group.Add(first.Value);
        }
        return group;
    }

    private async Task WriteGroupAsync(List<Waiting> group)
    {
        try
        {
            await write([.. group.Select(w => w.Item)]);
            foreach (var w in group) w.Written.TrySetResult();
            return;
        }
        catch (Exception e) when (group.Count == 1)
        {
            group[0].Written.TrySetException(e);
            return;
        }
        catch (Exception)
        {
            // Which writer the group failed for is not known: each alone finds out, and only that one fails.
        }
        foreach (var w in group)
        {
            try
            {
                await write([w.Item]);
                w.Written.TrySetResult();
            }
            catch (Exception e)
            {
                w.Written.TrySetException(e);
            }
        }
    }

    private void Abandon(Waiting waiting, CancellationToken ct)
    {
        lock (_gate)
        {
            if (waiting.Node is null) return; // in a group already, or handed the lead
            _queue.Remove(waiting.Node);
            waiting.Node = null;
        }
        waiting.Written.TrySetCanceled(ct);
    }

    private sealed class Waiting(T item)
    {
        public T Item { get; } = item;

        /// <summary>In the queue until a leader takes it into a group (or its caller leaves); guarded by the gate.</summary>
        public LinkedListNode<Waiting>? Node { get; set; }

        /// <summary>Set by a leader when its group is done and this one is first in the queue: it leads the next group.</summary>
        public TaskCompletionSource Lead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
