using System.Text.Json;
using ExecutionLayer.Audit.Ledger;

namespace ExecutionLayer.Audit.Reading;

/// <summary>An entry as the API shows it: every hashed field, the payload as JSON, both hashes; in timelines, the entry that caused it.</summary>
public sealed record EntryView(
    long Sequence, Guid MessageId, string Source, long SourceSequence, Guid SourceEventId, long GlobalPosition, string StreamId, string StreamType,
    long StreamVersion, string EventType, int SchemaVersion, IReadOnlyList<string> Subjects, string? CorrelationId, string? CausationId, string? Actor,
    string? Site, DateTimeOffset OccurredAt, DateTimeOffset SourceRecordedAt, DateTimeOffset RecordedAt, JsonElement Payload, string PrevHash, string Hash,
    long? CausedBy = null, string? OnBehalfOf = null)
{
    internal static EntryView Of(LedgerRow row, long? causedBy = null)
    {
        var e = row.Entry;
        using var payload = JsonDocument.Parse(e.Payload);
        return new EntryView(e.Sequence, e.MessageId, e.Source, e.SourceSequence, e.SourceEventId, e.GlobalPosition, e.StreamId, e.StreamType, e.StreamVersion,
            e.EventType, e.SchemaVersion, e.Subjects, e.CorrelationId, e.CausationId, e.Actor, e.Site, e.OccurredAt, e.SourceRecordedAt, e.RecordedAt,
            payload.RootElement.Clone(), Chain.Hex(row.PrevHash), Chain.Hex(row.Hash), causedBy, e.OnBehalfOf);
    }
}
