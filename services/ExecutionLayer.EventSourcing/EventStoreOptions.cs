namespace ExecutionLayer.EventSourcing;

public sealed record EventStoreOptions
{
    /// <summary>Largest serialized event accepted; larger payloads belong in a document store, referenced by id.</summary>
    public int MaxEventBytes { get; init; } = 256 * 1024;

    public int MaxStreamIdLength { get; init; } = 200;

    /// <summary>Most events in one append; an intake batch is bounded below this.</summary>
    public int MaxEventsPerAppend { get; init; } = 10_000;
}
