using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>The kinds of notification a subscription can ask for.</summary>
public static class WebhookEventTypes
{
    public const string Requested = "approval.requested";
    public const string Escalated = "approval.escalated";
    public const string Decided = "approval.decided";

    public static readonly IReadOnlyList<string> All = [Requested, Escalated, Decided];
}

public abstract record WebhookSubscriptionEvent;

/// <param name="SecretFingerprint">The first bytes of the secret's SHA-256, to tell secrets apart; the secret itself is never an event.</param>
public sealed record WebhookSubscribed(
    Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, string SecretFingerprint, string SubscribedBy,
    DateTimeOffset SubscribedAt) : WebhookSubscriptionEvent;

public sealed record WebhookUnsubscribed(Guid SubscriptionId, string UnsubscribedBy, DateTimeOffset UnsubscribedAt) : WebhookSubscriptionEvent;

public sealed record WebhookSubscription(Guid Id, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, bool Active) : IAggregate<WebhookSubscription>
{
    public static string StreamType => "webhook-subscription";

    public static WebhookSubscription Initial { get; } = new(Guid.Empty, "", [], [], false);

    public static string StreamId(Guid subscriptionId) => $"webhook-subscription-{subscriptionId}";

    public WebhookSubscription Evolve(object @event) => @event switch
    {
        WebhookSubscribed e => this with { Id = e.SubscriptionId, Url = e.Url, EventTypes = e.EventTypes, Sites = e.Sites, Active = true },
        WebhookUnsubscribed => this with { Active = false },
        _ => this,
    };

    public static IReadOnlyList<object> Unsubscribe(WebhookSubscription state, string by, DateTimeOffset now) =>
        state.Id == Guid.Empty ? throw new InvalidStateException("There is no such subscription.")
        : !state.Active ? []
        : [new WebhookUnsubscribed(state.Id, by, now)];
}
