using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>What the exceptions service promises others; its domain events stay its own.</summary>
internal sealed class ExceptionsIntegrationMapper : IIntegrationEventMapper
{
    public IEnumerable<object> Map(RecordedEvent recorded)
    {
        if (recorded.EventType == "intake.operational-event-received")
        {
            var received = (OperationalEventReceived)recorded.Data;
            if (received.Type == "KpiMeasured" && FactTypes.Read(received.Type, received.Data) is KpiMeasured kpi)
                yield return new KpiMeasurementReceived(received.Source, received.SourceEventId, received.Site, kpi.Kpi, kpi.Value, kpi.Unit, kpi.MeasuredAt);
            yield break;
        }

        switch (recorded.Data)
        {
            case CaseOpened e:
                yield return new ExceptionCaseOpened(e.CaseId, e.Kind.ToString(), e.Site, e.Summary, e.TriggerSubject, e.OpenedAt);
                break;
            case HoldPropagated e:
                yield return new QualityHoldPropagated(e.CaseId, e.HoldId, e.LotId, recorded.Metadata.Site ?? "", e.Lots, e.BlockedProductionOrders, e.BlockedShipments, e.RaisedAt, e.PropagatedAt);
                break;
            case CaseRouted e:
                foreach (var function in e.Functions)
                    yield return new ActionRequested(DeterministicId.From($"action-request|{e.CaseId}|{function.Function}"), e.CaseId, recorded.Metadata.Site ?? "",
                        function.Function, function.OwnerRole, $"Respond to exception case {e.CaseId} ({function.Function})", e.Severity.ToString(),
                        e.Impact.ProductionOrders, e.Impact.Shipments, e.Impact.ValueAtRisk, e.RoutedAt);
                break;
        }
    }
}
