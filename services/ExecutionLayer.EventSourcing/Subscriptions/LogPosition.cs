namespace ExecutionLayer.EventSourcing.Subscriptions;

/// <summary>A place in the log, ordered by (writing transaction, position): the order in which events become safe to read.</summary>
public readonly record struct LogPosition(ulong TransactionId, long Position)
{
    public static LogPosition Start { get; } = new(0, 0);

    public static LogPosition After(RecordedEvent e) => new(e.TransactionId, e.Position);
}

/// <summary>A subscription's saved progress; <see cref="Sequence"/> counts its publications densely.</summary>
public sealed record Checkpoint(string Name, LogPosition Position, long Sequence);
