using System.Text.Json;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Inbox;
using MassTransit;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// An accepted recommendation's command for the ERP becomes one <c>erp.command</c> delivery per subscription asking for it at its
/// site, queued in the transaction that records the message as handled, with the retries, signatures and dead letters every notice
/// has. The body is the command as published (camelCase); the delivery id comes from the command and the subscription, so a
/// redelivered message queues nothing new.
/// </summary>
public sealed class ErpCommandConsumer(MessageInbox inbox, WebhookTables webhooks) : IConsumer<ErpCommandIssued>
{
    public Task Consume(ConsumeContext<ErpCommandIssued> context) => context.HandleOnceAsync(inbox, "approvals:erp-command", async tx =>
    {
        var m = context.Message;
        var body = JsonSerializer.Serialize(new WebhookMessage(WebhookEventTypes.ErpCommand, m.IssuedAt, m), JsonDefaults.Options);
        await webhooks.QueueAsync(tx.Transaction, WebhookEventTypes.ErpCommand, m.Site, m.CommandId, body,
            subscription => DeterministicId.From($"webhook|erp-command|{m.CommandId}|{subscription}"), context.CancellationToken);
    });
}
