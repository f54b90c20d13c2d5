using System.Text.Json;
using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// Follows the committed log and turns each notification-worthy event into one delivery per matching
/// subscription, queued in the daemon's transaction with the subscription's progress: a notification
/// exists exactly when its event committed, once (the delivery id is derived from event and
/// subscription, so a page handed over again re-inserts nothing). The body is fixed here; the sender
/// only signs and sends it. A notice for a request whose context has an owner carries the context now: the
/// owner is asked once per request and page, after the page's reads and before its writes are queued, with
/// the short timeout of <see cref="LiveContexts"/> — an owner down costs a page that long, and the notice says so.
/// </summary>
public sealed class NotificationProjection : ReportedSubscription
{
    public const string SubscriptionName = "approvals-webhook-notifications";

    private readonly NpgsqlDataSource _dataSource;
    private readonly DecisionTokens _tokens;
    private readonly ApprovalsOptions _options;
    private readonly LiveContexts _owners;

    /// <remarks>
    /// Not given the store: Marten builds its subscriptions while it builds the store, so a subscription
    /// that needs the store waits on itself. It reads through the page's own session instead.
    /// </remarks>
    public NotificationProjection(NpgsqlDataSource dataSource, DecisionTokens tokens, ApprovalsOptions options, LiveContexts owners, SubscriptionFailures failures)
        : base(failures)
    {
        (_dataSource, _tokens, _options, _owners) = (dataSource, tokens, options, owners);
        Name = SubscriptionName;
    }

    protected override async Task<IChangeListener> ProcessPageAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var relevant = page.Events.Where(e => e.Data is ApprovalRequest.Event.ApproverNotified or ApprovalRequest.Event.Granted or ApprovalRequest.Event.Rejected or ApprovalRequest.Event.Expired or ApprovalRequest.Event.Withdrawn or ApprovalRequest.Event.Refused).ToList();
        if (relevant.Count == 0) return NullChangeListener.Instance;
        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var subscriptions = await SubscriptionsAsync(schema, ct);
        if (subscriptions.Count == 0) return NullChangeListener.Instance;

        var due = new List<(IEvent Stored, string Type, string Site, List<Target> Targets, ApprovalRequest State)>();
        foreach (var stored in relevant)
        {
            var type = stored.Data is ApprovalRequest.Event.ApproverNotified n ? (n.Escalation ? WebhookEventTypes.Escalated : WebhookEventTypes.Requested) : WebhookEventTypes.Decided;
            var site = Provenance.Of(stored).Site ?? "";
            var targets = subscriptions.Where(s => s.EventTypes.Contains(type) && (s.Sites.Length == 0 || s.Sites.Contains(site))).ToList();
            if (targets.Count == 0) continue;
            // The request as it stood when this event was recorded: a notice shows the stage it was sent for.
            due.Add((stored, type, site, targets, Loaded<ApprovalRequest>.Of(await operations.Events.FetchStreamAsync(stored.StreamKey!, stored.Version, token: ct)).State));
        }

        var now = new Dictionary<Guid, DecisionContexts>();
        foreach (var (_, _, _, _, state) in due.Where(d => d.Stored.Data is ApprovalRequest.Event.ApproverNotified && ContextOwner.Of(d.State).Exists))
            if (!now.ContainsKey(state.Id)) now[state.Id] = LiveContextApi.Of(state, await _owners.NowAsync(state, ct));

        foreach (var (stored, type, site, targets, state) in due)
        {
            var data = Notice(stored, state, now.GetValueOrDefault(state.Id));
            if (data is null) continue;
            var body = JsonSerializer.Serialize(new WebhookMessage(type, stored.Timestamp, data), JsonDefaults.Options);
            foreach (var target in targets)
                operations.QueueSqlCommand($"""
                    INSERT INTO {schema}.webhook_deliveries (delivery_id, subscription_id, event_type, approval_id, site, body) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (delivery_id) DO NOTHING
                    """, DeterministicId.From($"webhook|{stored.Id}|{target.Id}"), target.Id, type, state.Id, site, body);
        }
        return NullChangeListener.Instance;
    }

    private object? Notice(IEvent stored, ApprovalRequest state, DecisionContexts? contexts) => stored.Data switch
    {
        ApprovalRequest.Event.ApproverNotified e => ForApprover(e, state, contexts, stored.Timestamp),
        ApprovalRequest.Event.Granted e => Outcome(state, "granted", e.DecidedBy, null, e.GrantedAt),
        ApprovalRequest.Event.Rejected e => Outcome(state, "rejected", e.DecidedBy, e.Comment, e.RejectedAt),
        ApprovalRequest.Event.Expired e => Outcome(state, "expired", null, null, e.ExpiredAt),
        ApprovalRequest.Event.Withdrawn e => Outcome(state, "withdrawn", e.WithdrawnBy, e.Reason, e.WithdrawnAt),
        ApprovalRequest.Event.Refused e => Outcome(state, "refused", null, e.Why, e.RefusedAt),
        _ => null,
    };

    private ApprovalNotice ForApprover(ApprovalRequest.Event.ApproverNotified e, ApprovalRequest state, DecisionContexts? contexts, DateTimeOffset at)
    {
        var stage = state.Stage!;
        DecisionLink Link(Verdict verdict)
        {
            var token = _tokens.Mint(DecisionToken.For(state.Id, e.Stage, e.Level, e.Approver, e.OnBehalfOf, verdict, state.ExpiresAt));
            return new DecisionLink(token, $"{_options.PublicBaseUrl.TrimEnd('/')}/decisions/{token}");
        }
        var actions = new NoticeActions(Link(Verdict.Approve), Link(Verdict.Reject));
        var contextNow = contexts is null ? null : new NoticeContextNow(contexts.Live, contexts.Now, contexts.Drift, contexts.Unavailable, contexts.NeedsConfirming,
            $"{_options.PublicBaseUrl.TrimEnd('/')}/approvals/{state.Id}/context");
        return new ApprovalNotice(state.Id, state.Site, state.Subject, state.Amount, state.Currency, state.Severity, state.Requester, state.Reason,
            state.CorrelationId, new PolicyRef(state.PolicyId, state.PolicyVersion), new NoticeStage(stage.Index, stage.Name, stage.Level, stage.DueAt),
            new Recipient(e.Approver, e.OnBehalfOf), state.DecisionContext, actions, state.ExpiresAt, contextNow,
            NoticeText.Render(DecisionBrief.Of(state, e.Approver, e.OnBehalfOf, at, contexts), actions.Approve.Url, actions.Reject.Url));
    }

    private static OutcomeNotice Outcome(ApprovalRequest state, string outcome, string? by, string? comment, DateTimeOffset at) =>
        new(state.Id, state.Site, state.Subject, outcome, by, comment, state.CorrelationId, at);

    /// <remarks>Read outside the daemon's transaction: a webhook subscription receives what is followed after it committed.</remarks>
    private async Task<List<Target>> SubscriptionsAsync(string schema, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand($"SELECT subscription_id, event_types, sites FROM {schema}.webhook_subscriptions WHERE active");
        var targets = new List<Target>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) targets.Add(new Target(reader.GetGuid(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<string[]>(2)));
        return targets;
    }

    private sealed record Target(Guid Id, string[] EventTypes, string[] Sites);
}
