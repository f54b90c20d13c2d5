using System.Text.Json;

namespace ExecutionLayer.EventSourcing.Deadlines;

/// <summary>A durable timer: when <see cref="DueAt"/> passes, the handler for <see cref="Kind"/> runs once.</summary>
public sealed record Deadline(Guid DeadlineId, string StreamId, string Kind, JsonElement Payload, DateTimeOffset DueAt, int Attempts);

/// <summary>Handles one kind of deadline. Its writes go through <c>uow</c>, which also marks the deadline fired.</summary>
public interface IDeadlineHandler
{
    string Kind { get; }

    Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct);
}

public sealed record DeadlineOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(10);
}
