using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Messaging.Outbox;
using MassTransit;

namespace ExecutionLayer.Audit.Recording;

/// <summary>
/// The audit feed, taken in batches so one transaction appends many entries. Acknowledged only after
/// the batch committed: a crash before that redelivers it, and the appender drops what it already has.
/// </summary>
internal sealed class LedgerConsumer(LedgerAppender appender) : IConsumer<Batch<DomainEventRecorded>>
{
    public const string Queue = "audit-ledger";

    public async Task Consume(ConsumeContext<Batch<DomainEventRecorded>> context)
    {
        var batch = context.Message
            .Select(m => new Received(m.MessageId ?? DeterministicId.For(m.Message.Source, m.Message.EventId, 0), m.Message))
            .ToList();
        await appender.AppendAsync(batch, context.CancellationToken);
    }
}

internal sealed class LedgerConsumerDefinition : ConsumerDefinition<LedgerConsumer>
{
    private readonly AuditOptions _options;

    public LedgerConsumerDefinition(AuditOptions options)
    {
        _options = options;
        // A fixed, durable queue name: the feed waits here for the ledger whatever the consumer class is called.
        EndpointName = LedgerConsumer.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<LedgerConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = _options.BatchSize * 2;
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
