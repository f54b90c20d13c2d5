using System.Text.Json;
using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// Follows the committed log and turns each notification-worthy event into one delivery per matching
/// subscription, in the projection's transaction with its checkpoint: a notification exists exactly
/// when its event committed, once (the delivery id is derived from event and subscription). The body
/// is fixed here; the sender only signs and sends it.
/// </summary>
public sealed class NotificationProjection(EventStore store, DecisionTokens tokens, ApprovalsOptions options) : IProjection
{
    private static readonly HashSet<string> Notifying =
    [
        "approvals.approver-notified", "approvals.approval-granted", "approvals.approval-rejected", "approvals.approval-expired",
        "approvals.approval-withdrawn", "approvals.approval-refused",
    ];

    private readonly string _s = store.Schema.Value;

    public string Name => "approvals-webhook-notifications";

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct)
    {
        var relevant = events.Where(e => Notifying.Contains(e.EventType)).ToList();
        if (relevant.Count == 0) return;
        var subscriptions = await SubscriptionsAsync(tx, ct);
        if (subscriptions.Count == 0) return;

        foreach (var recorded in relevant)
        {
            var type = recorded.Data is ApproverNotified n ? (n.Escalation ? WebhookEventTypes.Escalated : WebhookEventTypes.Requested) : WebhookEventTypes.Decided;
            var site = recorded.Metadata.Site ?? "";
            var targets = subscriptions.Where(s => s.EventTypes.Contains(type) && (s.Sites.Length == 0 || s.Sites.Contains(site))).ToList();
            if (targets.Count == 0) continue;

            var state = (await store.LoadAsOfAsync<ApprovalRequest>(recorded.StreamId, version: recorded.Version, ct: ct)).State;
            var data = Notice(recorded, state);
            if (data is null) continue;
            var body = JsonSerializer.Serialize(new WebhookMessage(type, recorded.RecordedAt, data), JsonDefaults.Options);
            foreach (var target in targets)
                await Sql.ExecAsync(tx, $"""
                    INSERT INTO {_s}.webhook_deliveries (delivery_id, subscription_id, event_type, approval_id, site, body) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (delivery_id) DO NOTHING
                    """, ct, DeterministicId.From($"webhook|{recorded.EventId}|{target.Id}"), target.Id, type, state.Id, site, body);
        }
    }

    public Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct) =>
        // A rebuild must not send every notice again: deliveries already made stay, and their ids make re-inserts no-ops.
        Task.CompletedTask;

    private object? Notice(RecordedEvent recorded, ApprovalRequest state) => recorded.Data switch
    {
        ApproverNotified e => ForApprover(e, state),
        ApprovalGranted e => Outcome(state, "granted", e.DecidedBy, null, e.GrantedAt),
        ApprovalRejected e => Outcome(state, "rejected", e.DecidedBy, e.Comment, e.RejectedAt),
        ApprovalExpired e => Outcome(state, "expired", null, null, e.ExpiredAt),
        ApprovalWithdrawn e => Outcome(state, "withdrawn", e.WithdrawnBy, e.Reason, e.WithdrawnAt),
        ApprovalRefused e => Outcome(state, "refused", null, e.Why, e.RefusedAt),
        _ => null,
    };

    private ApprovalNotice ForApprover(ApproverNotified e, ApprovalRequest state)
    {
        var stage = state.Stage!;
        DecisionLink Link(Verdict verdict)
        {
            var token = tokens.Mint(DecisionToken.For(state.Id, e.Stage, e.Level, e.Approver, e.OnBehalfOf, verdict, state.ExpiresAt));
            return new DecisionLink(token, $"{options.PublicBaseUrl.TrimEnd('/')}/decisions/{token}");
        }
        return new ApprovalNotice(state.Id, state.Site, state.Subject, state.Amount, state.Currency, state.Severity, state.Requester, state.Reason,
            state.CorrelationId, new PolicyRef(state.PolicyId, state.PolicyVersion), new NoticeStage(stage.Index, stage.Name, stage.Level, stage.DueAt),
            new Recipient(e.Approver, e.OnBehalfOf), state.DecisionContext, new NoticeActions(Link(Verdict.Approve), Link(Verdict.Reject)), state.ExpiresAt);
    }

    private static OutcomeNotice Outcome(ApprovalRequest state, string outcome, string? by, string? comment, DateTimeOffset at) =>
        new(state.Id, state.Site, state.Subject, outcome, by, comment, state.CorrelationId, at);

    private async Task<List<Target>> SubscriptionsAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT subscription_id, event_types, sites FROM {_s}.webhook_subscriptions WHERE active", []);
        var targets = new List<Target>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) targets.Add(new Target(reader.GetGuid(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<string[]>(2)));
        return targets;
    }

    private sealed record Target(Guid Id, string[] EventTypes, string[] Sites);
}
