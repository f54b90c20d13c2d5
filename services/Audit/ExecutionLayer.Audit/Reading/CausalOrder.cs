using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Audit.Reading;

/// <summary>
/// Orders entries so that every cause comes before what it caused, and otherwise by when things
/// happened. An entry's causation id names its cause in one of three ways: the stored event id (a case
/// opened by an intake event), the audit message id, or — for a consumer reacting to an integration
/// event — the id of that publication, which the outbox derives from the source event and its slot.
/// </summary>
internal static class CausalOrder
{
    /// <summary>The outbox's integration-event slots per stored event that are tried (slot 0 is the audit feed).</summary>
    private const int Slots = 8;

    public static List<(LedgerRow Row, long? CausedBy)> Of(IReadOnlyCollection<LedgerRow> rows)
    {
        var byId = new Dictionary<Guid, LedgerRow>();
        foreach (var row in rows)
        {
            byId.TryAdd(row.Entry.SourceEventId, row);
            byId.TryAdd(row.Entry.MessageId, row);
            for (var slot = 1; slot <= Slots; slot++) byId.TryAdd(DeterministicId.For(row.Entry.Source, row.Entry.SourceEventId, slot), row);
        }

        var causeOf = new Dictionary<long, LedgerRow>();
        var children = new Dictionary<long, List<LedgerRow>>();
        foreach (var row in rows)
        {
            if (CauseId(row.Entry) is not { } id || !byId.TryGetValue(id, out var cause) || cause.Entry.Sequence == row.Entry.Sequence) continue;
            causeOf[row.Entry.Sequence] = cause;
            if (!children.TryGetValue(cause.Entry.Sequence, out var list)) children[cause.Entry.Sequence] = list = [];
            list.Add(row);
        }

        var ready = new PriorityQueue<LedgerRow, (DateTimeOffset, long)>();
        foreach (var row in rows.Where(r => !causeOf.ContainsKey(r.Entry.Sequence))) ready.Enqueue(row, Key(row));
        var ordered = new List<(LedgerRow, long?)>(rows.Count);
        var placed = new HashSet<long>();
        while (ready.TryDequeue(out var row, out _))
        {
            if (!placed.Add(row.Entry.Sequence)) continue;
            ordered.Add((row, causeOf.TryGetValue(row.Entry.Sequence, out var cause) ? cause.Entry.Sequence : null));
            if (children.TryGetValue(row.Entry.Sequence, out var caused))
                foreach (var child in caused) ready.Enqueue(child, Key(child));
        }
        // A cycle cannot come from real causation; if ids ever collide, keep what is left in time order rather than drop it.
        foreach (var row in rows.Where(r => !placed.Contains(r.Entry.Sequence)).OrderBy(Key))
            ordered.Add((row, causeOf.TryGetValue(row.Entry.Sequence, out var cause) ? cause.Entry.Sequence : null));
        return ordered;
    }

    public static Guid? CauseId(LedgerEntry entry) => Guid.TryParse(entry.CausationId, out var id) ? id : null;

    private static (DateTimeOffset, long) Key(LedgerRow row) => (row.Entry.OccurredAt, row.Entry.Sequence);
}
