namespace ExecutionLayer.EventSourcing.Subscriptions;

public sealed record SubscriptionOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>How often an idle subscription looks for events appended by other instances; local appends wake it at once.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a standby instance tries to take over a subscription another instance holds.</summary>
    public TimeSpan StandbyRetry { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan TransientRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Set for a subscriber that appends new events in its batch: others may read (and publish) them at
    /// once, so the commit must be flushed before it is visible rather than be replayed differently.
    /// </summary>
    public bool AppendsEvents { get; init; }
}

public enum SubscriptionState { Starting, Standby, Active, Faulted, Stopped }
