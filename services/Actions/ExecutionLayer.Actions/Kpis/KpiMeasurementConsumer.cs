using System.Runtime.ExceptionServices;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using MassTransit;

namespace ExecutionLayer.Actions.Kpis;

/// <summary>
/// KPI readings that came in through the ERP/MES intake, taken in batches: a plant reports one with nearly every order slice,
/// so one transaction records a batch of them — each once however often it is delivered or re-sent at the source, each as
/// its own message's (its source, its message, its trace). A batch that fails is recorded again message by message, so one
/// bad reading holds up only itself: the batch is failed after the others are recorded, and when it comes again they are
/// found in the inbox.
/// </summary>
public sealed class KpiMeasurementConsumer(MessageInbox inbox, KpiRegistry registry) : IConsumer<Batch<KpiMeasurementReceived>>
{
    public const string Inbox = "actions:kpi-measurements";

    /// <summary>Readings a transaction records at most.</summary>
    public const int ReadingsPerBatch = 100;

    public async Task Consume(ConsumeContext<Batch<KpiMeasurementReceived>> context)
    {
        var messages = context.Message.ToList();
        try
        {
            await RecordAsync(messages, context.CancellationToken);
            return;
        }
        catch (Exception) when (messages.Count > 1 && !context.CancellationToken.IsCancellationRequested)
        {
            // Which reading the batch failed for is not known: each alone finds out.
        }
        ExceptionDispatchInfo? failed = null;
        foreach (var message in messages)
        {
            try
            {
                await RecordAsync([message], context.CancellationToken);
            }
            catch (Exception e)
            {
                failed ??= ExceptionDispatchInfo.Capture(e);
            }
        }
        failed?.Throw();
    }

    private Task RecordAsync(IReadOnlyList<ConsumeContext<KpiMeasurementReceived>> messages, CancellationToken ct) =>
        inbox.HandleEachOnceAsync(Inbox, [.. messages.Select(IdOf)], async (tx, fresh) =>
        {
            var readings = messages.Where(m => fresh.Contains(IdOf(m))).Select(m => (Reading(m.Message), Provenance(m))).ToList();
            await registry.RecordAllAsync(tx, readings, ct);
        }, ct);

    private static Guid IdOf(ConsumeContext<KpiMeasurementReceived> m) =>
        m.MessageId ?? throw new InvalidOperationException("A KPI reading arrived without a message id; it cannot be deduplicated.");

    private static KpiReadingRecorded Reading(KpiMeasurementReceived m) =>
        new(m.Site, m.Kpi.Trim().ToLowerInvariant(), m.Value, m.Unit, m.MeasuredAt, m.Source, m.SourceEventId);

    /// <summary>The reading's source acting, caused by its message, in the trace the intake published it in.</summary>
    private static Provenance Provenance(ConsumeContext<KpiMeasurementReceived> m) =>
        new(CausationId: IdOf(m).ToString(), Actor: m.Message.Source, TraceParent: m.Headers.Get<string>(EventOutbox.TraceParentHeader));
}

/// <summary>The readings' queue, taken a batch at a time: up to <see cref="KpiMeasurementConsumer.ReadingsPerBatch"/>, or what came within 20 ms.</summary>
public sealed class KpiMeasurementConsumerDefinition : ConsumerDefinition<KpiMeasurementConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<KpiMeasurementConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = KpiMeasurementConsumer.ReadingsPerBatch * 2;
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(KpiMeasurementConsumer.ReadingsPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
