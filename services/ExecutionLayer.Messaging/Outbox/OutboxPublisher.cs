using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Subscriptions;
using ExecutionLayer.ServiceDefaults.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.Messaging.Outbox;

/// <summary>
/// The events table is the outbox: this subscription publishes every stored event to the audit feed
/// and the mapped integration events to their consumers, all of a batch in flight at once, and moves
/// its checkpoint only after the broker confirmed every one. A crash in between re-publishes the batch
/// with the same message ids and sequence numbers; consumers' inboxes absorb the repeats.
/// </summary>
public sealed class OutboxPublisher(
    EventStore store, IBus bus, IEnumerable<IIntegrationEventMapper> mappers, OutboxOptions options, ILogger<OutboxPublisher> logger)
    : SubscriptionRunner(store, $"outbox:{options.Service}", options.Subscription, logger)
{
    public const string SourceHeader = "el-source";
    public const string SequenceHeader = "el-sequence";
    public const string CorrelationHeader = "el-correlation-id";
    public const string TraceParentHeader = "el-traceparent";

    private readonly IIntegrationEventMapper[] _mappers = mappers.ToArray();

    protected override async Task<long> ProcessAsync(IReadOnlyList<RecordedEvent> batch, Checkpoint checkpoint, NpgsqlTransaction tx, CancellationToken ct)
    {
        var sequence = checkpoint.Sequence;
        var publications = new List<Task>(batch.Count * 2);
        var messageIds = new List<Guid>(batch.Count * 2);
        foreach (var e in batch)
        {
            sequence++;
            // Published under the trace of the request that stored it, so the consumer's work joins that trace.
            using var trace = TraceContext.Continue(e.Metadata.TraceParent, "outbox publish", System.Diagnostics.ActivityKind.Producer);
            var audit = new DomainEventRecorded(options.Service, sequence, e.EventId, e.Position, e.StreamId, e.StreamType, e.Version,
                e.EventType, e.SchemaVersion, e.Json, e.Metadata.CorrelationId, e.Metadata.CausationId, e.Metadata.Actor,
                e.Metadata.Site, e.OccurredAt, e.RecordedAt, e.Metadata.OnBehalfOf);
            publications.Add(PublishAsync(audit, typeof(DomainEventRecorded), DeterministicId.For(options.Service, e.EventId, 0), e, sequence, messageIds, ct));

            var slot = 0;
            foreach (var mapper in _mappers)
                foreach (var message in mapper.Map(e))
                    publications.Add(PublishAsync(message, message.GetType(), DeterministicId.For(options.Service, e.EventId, ++slot), e, sequence, messageIds, ct));
        }

        // Publisher confirms: each task completes when the broker has the message. All or nothing moves the checkpoint.
        await Task.WhenAll(publications);
        if (options.AfterConfirmBeforeCheckpoint is { } hook) await hook(messageIds);
        logger.LogDebug("Published {Count} messages for {Events} events up to sequence {Sequence}", publications.Count, batch.Count, sequence);
        return sequence;
    }

    private Task PublishAsync(object message, Type type, Guid messageId, RecordedEvent e, long sequence, List<Guid> ids, CancellationToken ct)
    {
        ids.Add(messageId);
        return bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
        {
            context.MessageId = messageId;
            // The audit feed must never be dropped for want of a queue (audit not deployed yet): as
            // mandatory, an unroutable message fails the publish and the batch is retried later.
            if (message is DomainEventRecorded && context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
            context.Headers.Set(SourceHeader, options.Service);
            context.Headers.Set(SequenceHeader, sequence);
            if (e.Metadata.CorrelationId is { } correlation) context.Headers.Set(CorrelationHeader, correlation);
            if (e.Metadata.TraceParent is { } traceParent) context.Headers.Set(TraceParentHeader, traceParent);
        }), ct);
    }

    /// <summary>Broker and database trouble alike: nothing is skipped, the batch is simply tried again.</summary>
    protected override bool IsTransient(Exception e) => e is not OperationCanceledException;
}
