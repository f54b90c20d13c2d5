using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// One entry of the ledger: a domain event some service stored, as the audit service received and
/// sequenced it. <see cref="Payload"/> is already canonical JSON; <see cref="Subjects"/> are the
/// "kind/id" references found in it, sorted. <see cref="Actor"/> is who sent what caused it;
/// <see cref="OnBehalfOf"/> the person a client acted for, when one did.
/// </summary>
public sealed record LedgerEntry(
    long Sequence,
    Guid MessageId,
    string Source,
    long SourceSequence,
    Guid SourceEventId,
    long GlobalPosition,
    string StreamId,
    string StreamType,
    long StreamVersion,
    string EventType,
    int SchemaVersion,
    IReadOnlyList<string> Subjects,
    string? CorrelationId,
    string? CausationId,
    string? Actor,
    string? Site,
    DateTimeOffset OccurredAt,
    DateTimeOffset SourceRecordedAt,
    DateTimeOffset RecordedAt,
    string Payload,
    string? OnBehalfOf = null)
{
    /// <summary>
    /// The canonical entry: every field above as one canonical JSON object (keys in code-unit order,
    /// times in <see cref="CanonicalJson.Time"/>, ids as lower-case hyphenated UUIDs, absent values as null).
    /// Written by hand in sorted key order — a unit test holds the order to the rule. <c>onBehalfOf</c>
    /// came later: it is written only when there is one, so every entry chained before it still hashes
    /// to what was signed.
    /// </summary>
    public string Canonical()
    {
        var b = new StringBuilder(Payload.Length + 512);
        b.Append('{');
        Field(b, "actor", Actor, first: true);
        Field(b, "causationId", CausationId);
        Field(b, "correlationId", CorrelationId);
        Field(b, "eventType", EventType);
        Number(b, "globalPosition", GlobalPosition);
        Field(b, "messageId", MessageId.ToString("D"));
        Field(b, "occurredAt", CanonicalJson.Time(OccurredAt));
        if (OnBehalfOf is not null) Field(b, "onBehalfOf", OnBehalfOf);
        b.Append(",\"payload\":").Append(Payload);
        Field(b, "recordedAt", CanonicalJson.Time(RecordedAt));
        Number(b, "schemaVersion", SchemaVersion);
        Number(b, "sequence", Sequence);
        Field(b, "site", Site);
        Field(b, "source", Source);
        Field(b, "sourceEventId", SourceEventId.ToString("D"));
        Field(b, "sourceRecordedAt", CanonicalJson.Time(SourceRecordedAt));
        Number(b, "sourceSequence", SourceSequence);
        Field(b, "streamId", StreamId);
        Field(b, "streamType", StreamType);
        Number(b, "streamVersion", StreamVersion);
        b.Append(",\"subjects\":[");
        for (var i = 0; i < Subjects.Count; i++)
        {
            if (i > 0) b.Append(',');
            CanonicalJson.WriteString(b, Subjects[i]);
        }
        b.Append("]}");
        return b.ToString();
    }

    /// <summary>SHA-256 of the canonical entry's UTF-8 bytes.</summary>
    public byte[] Digest() => SHA256.HashData(Encoding.UTF8.GetBytes(Canonical()));

    internal static readonly string[] CanonicalKeyOrder =
    [
        "actor", "causationId", "correlationId", "eventType", "globalPosition", "messageId", "occurredAt", "onBehalfOf", "payload", "recordedAt", "schemaVersion",
        "sequence", "site", "source", "sourceEventId", "sourceRecordedAt", "sourceSequence", "streamId", "streamType", "streamVersion", "subjects",
    ];

    private static void Field(StringBuilder b, string key, string? value, bool first = false)
    {
        if (!first) b.Append(',');
        b.Append('"').Append(key).Append("\":");
        if (value is null) b.Append("null");
        else CanonicalJson.WriteString(b, value);
    }

    private static void Number(StringBuilder b, string key, long value) =>
        b.Append(",\"").Append(key).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture));
}
