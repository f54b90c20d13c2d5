using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Messaging.Outbox;
using MassTransit;

namespace ExecutionLayer.Audit.Recording;

/// <summary>
/// The audit feed, its pages taken in batches so one transaction appends the entries of several. Acknowledged only
/// after the batch committed: a crash before that redelivers it, and the appender drops what it already has.
/// </summary>
internal sealed class LedgerConsumer(LedgerAppender appender) : IConsumer<Batch<DomainEventsRecorded>>
{
    public const string Queue = "audit-ledger";

    /// <summary>Pages appended in one transaction at most: a page holds up to an outbox page of entries (256).</summary>
    public const int PagesPerAppend = 16;

    public async Task Consume(ConsumeContext<Batch<DomainEventsRecorded>> context)
    {
        var batch = context.Message
            .SelectMany(page => page.Message.Events)
            .Select(e => new Received(EventOutbox.AuditEntryId(e.Source, e.EventId), e))
            .ToList();
        await appender.AppendAsync(batch, context.CancellationToken);
    }
}

/// <summary>
/// The audit feed as it was published before it came in pages, one event a message: what an older publisher still
/// has in flight, or in the queue, when the services are upgraded one by one. Recorded as before.
/// </summary>
internal sealed class LedgerEntryConsumer(LedgerAppender appender) : IConsumer<Batch<DomainEventRecorded>>
{
    public async Task Consume(ConsumeContext<Batch<DomainEventRecorded>> context)
    {
        var batch = context.Message
            .Select(m => new Received(m.MessageId ?? EventOutbox.AuditEntryId(m.Message.Source, m.Message.EventId), m.Message))
            .ToList();
        await appender.AppendAsync(batch, context.CancellationToken);
    }
}

/// <summary>Both ends of the feed on the one durable queue, each taken in batches by one consumer at a time.</summary>
internal abstract class LedgerFeedDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    private readonly AuditOptions _options;
    private readonly int _messagesPerAppend;

    protected LedgerFeedDefinition(AuditOptions options, int messagesPerAppend)
    {
        (_options, _messagesPerAppend) = (options, messagesPerAppend);
        // A fixed, durable queue name: the feed waits here for the ledger whatever the consumer class is called.
        EndpointName = LedgerConsumer.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = _options.BatchSize * 2;
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_messagesPerAppend)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}

internal sealed class LedgerConsumerDefinition(AuditOptions options) : LedgerFeedDefinition<LedgerConsumer>(options, LedgerConsumer.PagesPerAppend);

internal sealed class LedgerEntryConsumerDefinition(AuditOptions options) : LedgerFeedDefinition<LedgerEntryConsumer>(options, options.BatchSize);
