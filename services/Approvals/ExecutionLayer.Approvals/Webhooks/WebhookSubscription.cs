using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>The kinds of notification a subscription can ask for.</summary>
public static class WebhookEventTypes
{
    public const string Requested = "approval.requested";
    public const string Escalated = "approval.escalated";
    public const string Decided = "approval.decided";

    /// <summary>A change to a governed field was granted: the ERP's cue to apply it.</summary>
    public const string ChangeApproved = "change.approved";

    /// <summary>An accepted recommendation changes ERP data: the ERP's cue to carry it out.</summary>
    public const string ErpCommand = "erp.command";

    /// <summary>What a subscription naming no types gets: the approval notices (an approver's bridge).</summary>
    public static readonly IReadOnlyList<string> Approvals = [Requested, Escalated, Decided];

    public static readonly IReadOnlyList<string> All = [.. Approvals, ChangeApproved, ErpCommand];
}

public sealed record WebhookSubscription(Guid Id, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, bool Active)
    : IAggregate<WebhookSubscription, WebhookSubscription.Event>
{
    /// <summary>Everything that can happen to a webhook subscription: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <param name="SecretFingerprint">The first bytes of the secret's SHA-256, to tell secrets apart; the secret itself is never an event.</param>
        public sealed record Subscribed(
            Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, string SecretFingerprint, string SubscribedBy,
            DateTimeOffset SubscribedAt) : Event;

        public sealed record Unsubscribed(Guid SubscriptionId, string UnsubscribedBy, DateTimeOffset UnsubscribedAt) : Event;
    }

    public static string StreamType => "webhook-subscription";

    public static WebhookSubscription Initial { get; } = new(Guid.Empty, "", [], [], false);

    public static string StreamId(Guid subscriptionId) => $"webhook-subscription-{subscriptionId}";

    public WebhookSubscription Apply(Event @event) => @event switch
    {
        Event.Subscribed e => this with { Id = e.SubscriptionId, Url = e.Url, EventTypes = e.EventTypes, Sites = e.Sites, Active = true },
        Event.Unsubscribed => this with { Active = false },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a webhook subscription event."), // unreachable: the hierarchy is closed
    };

    /// <summary>A subscription is taken once, under the id the endpoint generated.</summary>
    public static IReadOnlyList<Event> Subscribe(Guid id, string url, IReadOnlyList<string> eventTypes, IReadOnlyList<string> sites, string secretFingerprint, string by,
        DateTimeOffset now) =>
        [new Event.Subscribed(id, url, eventTypes, sites, secretFingerprint, by, now)];

    public static IReadOnlyList<Event> Unsubscribe(WebhookSubscription state, string by, DateTimeOffset now) =>
        state.Id == Guid.Empty ? throw new InvalidStateException("There is no such subscription.")
        : !state.Active ? []
        : [new Event.Unsubscribed(state.Id, by, now)];
}
