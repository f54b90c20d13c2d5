using ExecutionLayer.Store.Types;
using System.Text;
using System.Text.Json;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.ServiceDefaults.Telemetry;

namespace ExecutionLayer.EventSourcing;

public sealed partial class EventStore
{
    private const int MaxMetadataLength = 200;

    /// <summary>Everything is checked and serialized before the database is touched, so a refused append changes nothing.</summary>
    internal PreparedAppend Prepare(string streamId, string streamType, IReadOnlyList<NewEvent> events, EventMetadata? metadata)
    {
        ValidateStreamId(streamId);
        if (string.IsNullOrEmpty(streamType) || streamType.Length > 100 || !streamType.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            throw new InvalidAppendException($"Stream type '{streamType}' must be 1–100 ASCII letters, digits, '-', '.' or '_'.");
        if (events is null || events.Count == 0)
            throw new InvalidAppendException("An append needs at least one event.");
        if (events.Count > Options.MaxEventsPerAppend)
            throw new InvalidAppendException($"An append may hold at most {Options.MaxEventsPerAppend} events; this one has {events.Count}.");
        metadata ??= EventMetadata.None;
        if (metadata.TraceParent is null && TraceContext.CurrentParent() is { } traceParent)
            metadata = metadata with { TraceParent = traceParent };
        ValidateMetadata(metadata);

        var now = Clock.GetUtcNow();
        var count = events.Count;
        var prepared = new PreparedAppend(streamId, streamType, new Guid[count], new string[count], new int[count],
            new string[count], new DateTime[count], new object[count], metadata);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < count; i++)
        {
            var e = events[i] ?? throw new InvalidAppendException($"Event {i} of the append is null.");
            var data = e.Data ?? throw new InvalidAppendException($"Event {i} of the append has no data.");
            var type = Types.NameOf(data.GetType());
            var json = JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), EventJson.Options);
            if (json.Length > Options.MaxEventBytes)
                throw new EventTooLargeException(type.Name, json.Length, Options.MaxEventBytes);
            if (ContainsEscapedNul(json))
                throw new InvalidEventDataException(type.Name, "a string contains the NUL character (\\u0000), which PostgreSQL cannot store");

            var id = e.EventId ?? Guid.CreateVersion7(now);
            if (id == Guid.Empty) throw new InvalidAppendException($"Event {i} of the append has the empty event id.");
            if (!seen.Add(id)) throw new DuplicateEventException(id);

            prepared.EventIds[i] = id;
            prepared.TypeNames[i] = type.Name;
            prepared.SchemaVersions[i] = type.SchemaVersion;
            prepared.Payloads[i] = Encoding.UTF8.GetString(json);
            prepared.OccurredAt[i] = (e.OccurredAt ?? metadata.OccurredAt ?? now).UtcDateTime;
            prepared.Data[i] = data;
        }
        return prepared;
    }

    internal void ValidateStreamId(string? streamId)
    {
        if (string.IsNullOrWhiteSpace(streamId))
            throw new InvalidStreamIdException(streamId, "it is empty");
        if (streamId.Length > Options.MaxStreamIdLength)
            throw new InvalidStreamIdException(streamId, $"it is {streamId.Length} characters long; the maximum is {Options.MaxStreamIdLength}");
        if (streamId.Any(char.IsControl))
            throw new InvalidStreamIdException(streamId, "it contains a control character");
    }

    private static void ValidateMetadata(EventMetadata metadata)
    {
        Check(metadata.CorrelationId, "correlation id");
        Check(metadata.CausationId, "causation id");
        Check(metadata.Actor, "actor");
        Check(metadata.OnBehalfOf, "on-behalf-of person");
        Check(metadata.Site, "site");
        Check(metadata.TraceParent, "trace parent");

        static void Check(string? value, string what)
        {
            if (value is null) return;
            if (value.Length > MaxMetadataLength)
                throw new InvalidAppendException($"The {what} is {value.Length} characters long; the maximum is {MaxMetadataLength}.");
            if (value.Any(char.IsControl))
                throw new InvalidAppendException($"The {what} contains a control character.");
        }
    }

    /// <summary>True when the JSON holds the escape \u0000 (an odd run of backslashes before "u0000"; an even run is a literal backslash).</summary>
    private static bool ContainsEscapedNul(ReadOnlySpan<byte> json)
    {
        var offset = 0;
        while (true)
        {
            var at = json[offset..].IndexOf("u0000"u8);
            if (at < 0) return false;
            at += offset;
            var backslashes = 0;
            for (var i = at - 1; i >= 0 && json[i] == (byte)'\\'; i--) backslashes++;
            if (backslashes % 2 == 1) return true;
            offset = at + 5;
        }
    }
}
