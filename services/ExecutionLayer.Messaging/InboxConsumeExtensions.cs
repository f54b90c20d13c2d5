using System.Diagnostics;
using ExecutionLayer.ServiceDefaults.Telemetry;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Writing;
using MassTransit;

namespace ExecutionLayer.Messaging;

public static class InboxConsumeExtensions
{
    /// <summary>Runs a consumer's effects once per message id, however often the broker delivers it: the mark commits with the effects.</summary>
    public static async Task<bool> HandleOnceAsync<T>(
        this ConsumeContext<T> context, MessageInbox inbox, string consumer, Func<StoreTransaction, Task> work)
        where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"A {typeof(T).Name} arrived without a message id; it cannot be deduplicated.");
        // The activity stays current until the work has finished, so the effects join the publisher's trace.
        using var trace = TraceContext.Continue(context.Headers.Get<string>(Outbox.EventOutbox.TraceParentHeader), $"consume {typeof(T).Name}", ActivityKind.Consumer);
        return await inbox.HandleOnceAsync(consumer, messageId, work, context.CancellationToken);
    }
}
