namespace ExecutionLayer.EventSourcing;

/// <summary>An append validated and serialized, as the columns it will be written to.</summary>
internal sealed record PreparedAppend(
    string StreamId,
    string StreamType,
    Guid[] EventIds,
    string[] TypeNames,
    int[] SchemaVersions,
    string[] Payloads,
    DateTime[] OccurredAt,
    object[] Data,
    EventMetadata Metadata)
{
    public int Count => EventIds.Length;
}
