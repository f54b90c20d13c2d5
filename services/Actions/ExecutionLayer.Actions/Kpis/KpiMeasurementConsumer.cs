using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Inbox;
using ExecutionLayer.Messaging;
using MassTransit;

namespace ExecutionLayer.Actions.Kpis;

/// <summary>A KPI reading that came in through the ERP/MES intake: recorded once, however often it is delivered or re-sent at the source.</summary>
public sealed class KpiMeasurementConsumer(MessageInbox inbox, KpiRegistry registry) : IConsumer<KpiMeasurementReceived>
{
    public Task Consume(ConsumeContext<KpiMeasurementReceived> context) => context.HandleOnceAsync(inbox, "actions:kpi-measurements", async uow =>
    {
        var m = context.Message;
        var reading = new KpiReadingRecorded(m.Site, m.Kpi.Trim().ToLowerInvariant(), m.Value, m.Unit, m.MeasuredAt, m.Source, m.SourceEventId);
        await registry.RecordAsync(uow, reading, new EventMetadata(CausationId: context.MessageId?.ToString(), Actor: m.Source), context.CancellationToken);
    });
}
