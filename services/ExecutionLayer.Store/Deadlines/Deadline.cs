using System.Text.Json;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Store.Deadlines;

/// <summary>A durable timer: when <see cref="DueAt"/> passes, the handler for <see cref="Kind"/> runs once.</summary>
public sealed record Deadline(Guid DeadlineId, string StreamId, string Kind, JsonElement Payload, DateTimeOffset DueAt, int Attempts);

/// <summary>Handles one kind of deadline. Its events go into <c>tx</c>, which also marks the deadline fired.</summary>
public interface IDeadlineHandler
{
    string Kind { get; }

    Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct);
}

public sealed record DeadlineOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);
}
