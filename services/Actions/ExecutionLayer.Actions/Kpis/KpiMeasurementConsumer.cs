using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using MassTransit;

namespace ExecutionLayer.Actions.Kpis;

/// <summary>A KPI reading that came in through the ERP/MES intake: recorded once, however often it is delivered or re-sent at the source.</summary>
public sealed class KpiMeasurementConsumer(MessageInbox inbox, KpiRegistry registry) : IConsumer<KpiMeasurementReceived>
{
    public Task Consume(ConsumeContext<KpiMeasurementReceived> context) => context.HandleOnceAsync(inbox, "actions:kpi-measurements", async tx =>
    {
        var m = context.Message;
        var reading = new KpiReadingRecorded(m.Site, m.Kpi.Trim().ToLowerInvariant(), m.Value, m.Unit, m.MeasuredAt, m.Source, m.SourceEventId);
        await registry.RecordAsync(tx, reading, new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.Source), context.CancellationToken);
    });
}
