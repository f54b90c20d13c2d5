namespace ExecutionLayer.EventSourcing;

/// <summary>Every failure the store reports on purpose; services turn each into a specific problem response.</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another writer got there first (or the stream is not where the caller thought). Maps to 409; the losing append left no rows.</summary>
public sealed class ConcurrencyException(string streamId, ExpectedVersion expected, long? actual)
    : EventStoreException(actual is null
        ? $"Stream '{streamId}' was expected at version {expected} but does not exist."
        : $"Stream '{streamId}' was expected at version {expected} but is at version {actual}.")
{
    public string StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;
    public long? ActualVersion { get; } = actual;
}

/// <summary>An event id that is already in the log (a retried append). Maps to 409.</summary>
public sealed class DuplicateEventException(Guid eventId, Exception? inner = null)
    : EventStoreException($"An event with id {eventId} is already stored.", inner)
{
    public Guid EventId { get; } = eventId;
}

/// <summary>Input the store refuses before touching the database. Maps to 422 (or 413 for size).</summary>
public class InvalidAppendException(string message) : EventStoreException(message);

public sealed class InvalidStreamIdException(string? streamId, string reason)
    : InvalidAppendException($"Stream id {(streamId is null ? "null" : $"'{Truncate(streamId)}'")} is invalid: {reason}.")
{
    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}

public sealed class InvalidExpectedVersionException(long version)
    : InvalidAppendException($"Expected version {version} is invalid: use 0 for a new stream or 1…{ExpectedVersion.MaxVersion}.");

public sealed class InvalidEventDataException(string eventType, string reason)
    : InvalidAppendException($"Event '{eventType}' cannot be stored: {reason}.");

public sealed class EventTooLargeException(string eventType, int bytes, int maxBytes)
    : InvalidAppendException($"Event '{eventType}' is {bytes} bytes of JSON; the maximum is {maxBytes}.")
{
    public int Bytes { get; } = bytes;
    public int MaxBytes { get; } = maxBytes;
}

/// <summary>A stored type name with no registered .NET type: a deployment mistake, never skipped silently.</summary>
public sealed class UnknownEventTypeException(string eventType, int schemaVersion)
    : EventStoreException($"No .NET type is registered for stored event type '{eventType}' (schema version {schemaVersion}).");
