using ExecutionLayer.EventSourcing.Subscriptions;

namespace ExecutionLayer.Messaging.Outbox;

public sealed record OutboxOptions
{
    /// <summary>The source name in the audit feed and in message ids ("approvals", "exceptions", …).</summary>
    public required string Service { get; init; }

    public SubscriptionOptions Subscription { get; init; } = new() { BatchSize = 256, PollInterval = TimeSpan.FromMilliseconds(100) };

    /// <summary>Fault injection for the kill-safety tests: runs after the broker confirmed a batch, before the checkpoint commits.</summary>
    internal Func<IReadOnlyList<Guid>, Task>? AfterConfirmBeforeCheckpoint { get; init; }
}
