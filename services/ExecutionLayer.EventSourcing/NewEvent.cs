namespace ExecutionLayer.EventSourcing;

/// <summary>An event to append. Give an id when the caller needs idempotency (an intake event's id); otherwise the store makes one.</summary>
public sealed record NewEvent(object Data, Guid? EventId = null, DateTimeOffset? OccurredAt = null);

public static class NewEvents
{
    /// <summary>Events with store-made ids and the append's occurred-at: the common case for a decision's output.</summary>
    public static IReadOnlyList<NewEvent> Of(params IEnumerable<object> data) => data.Select(d => new NewEvent(d)).ToArray();
}
