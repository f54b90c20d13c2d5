using System.Text.Json;
using ExecutionLayer.Contracts.Changes;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Postgres;
using MassTransit;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>What the ERP is sent when a change to a governed field is granted: enough to apply it, and who decided it.</summary>
public sealed record ChangeApprovedNotice(
    Guid ChangeId, string Site, string Entity, string EntityId, string Field, string From, string To, string Reason, string RequestedBy, string ApprovedBy,
    Guid? ApprovalId, DateTimeOffset ApprovedAt);

/// <summary>
/// A granted change becomes one <c>change.approved</c> delivery per subscription asking for it at the change's site, queued in
/// the transaction that records the message as handled: the ERP is told once, with the retries, signatures and dead letters every
/// notice has. The delivery id is derived from the change and the subscription, so a redelivered message queues nothing new.
/// </summary>
public sealed class ChangeApprovedConsumer(MessageInbox inbox, WebhookTables webhooks) : IConsumer<ChangeApproved>
{
    public Task Consume(ConsumeContext<ChangeApproved> context) => context.HandleOnceAsync(inbox, "approvals:change-approved", async tx =>
    {
        var m = context.Message;
        var body = JsonSerializer.Serialize(new WebhookMessage(WebhookEventTypes.ChangeApproved, m.ApprovedAt, new ChangeApprovedNotice(
            m.ChangeId, m.Site, m.Entity, m.EntityId, m.Field, m.From, m.To, m.Reason, m.RequestedBy, m.ApprovedBy, m.ApprovalId, m.ApprovedAt)), JsonDefaults.Options);
        await webhooks.QueueAsync(tx.Transaction, WebhookEventTypes.ChangeApproved, m.Site, m.ApprovalId ?? m.ChangeId, body,
            subscription => DeterministicId.From($"webhook|change|{m.ChangeId}|{subscription}"), context.CancellationToken);
    });
}
