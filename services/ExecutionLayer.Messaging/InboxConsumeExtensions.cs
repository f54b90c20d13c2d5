using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Inbox;
using MassTransit;

namespace ExecutionLayer.Messaging;

public static class InboxConsumeExtensions
{
    /// <summary>Runs a consumer's effects once per message id, however often the broker delivers it.</summary>
    public static Task<bool> HandleOnceAsync<T>(this ConsumeContext<T> context, MessageInbox inbox, string consumer, Func<UnitOfWork, Task> work)
        where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"A {typeof(T).Name} arrived without a message id; it cannot be deduplicated.");
        return inbox.HandleOnceAsync(consumer, messageId, work, context.CancellationToken);
    }
}
