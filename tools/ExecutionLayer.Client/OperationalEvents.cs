namespace ExecutionLayer.Client.Models;

/// <summary>
/// What every fact's envelope has (Kiota makes one class per fact type, with no common base): the CloudEvents
/// attributes the intake reads, so a caller builds any of them the same way. A fact type added to the description
/// and not here still generates; it just lacks this interface until it is listed.
/// </summary>
public interface IFactEnvelope
{
    string? Specversion { get; set; }
    string? Id { get; set; }
    string? Source { get; set; }
    string? Type { get; set; }
    string? Site { get; set; }
    string? Subject { get; set; }
    DateTimeOffset? Time { get; set; }
}
public partial class KpiMeasuredEvent : IFactEnvelope;
public partial class LotConsumedEvent : IFactEnvelope;
public partial class LotProducedEvent : IFactEnvelope;
public partial class MachineStateChangedEvent : IFactEnvelope;
public partial class MaterialReceivedEvent : IFactEnvelope;
public partial class MaterialRequirementEvent : IFactEnvelope;
public partial class OperationCompletedEvent : IFactEnvelope;
public partial class OperationStartedEvent : IFactEnvelope;
public partial class ProductionActualReportedEvent : IFactEnvelope;
public partial class ProductionOrderReleasedEvent : IFactEnvelope;
public partial class PurchaseOrderPlacedEvent : IFactEnvelope;
public partial class QualityHoldRaisedEvent : IFactEnvelope;
public partial class QualityHoldReleasedEvent : IFactEnvelope;
public partial class SalesOrderConfirmedEvent : IFactEnvelope;
public partial class ShipmentDispatchedEvent : IFactEnvelope;
public partial class ShipmentPlannedEvent : IFactEnvelope;
public partial class SupplierDeliveryDelayedEvent : IFactEnvelope;

public partial class OperationalEvent
{
    /// <summary>One fact as a member of the intake's union, its type attribute set from its class.</summary>
    public static OperationalEvent Of<TEnvelope>(TEnvelope fact, string id, string source, string site, string subject, DateTimeOffset time)
        where TEnvelope : IFactEnvelope
    {
        (fact.Specversion, fact.Id, fact.Source, fact.Site, fact.Subject, fact.Time) = ("1.0", id, source, site, subject, time);
        fact.Type = typeof(TEnvelope).Name[..^"Event".Length];
        return fact switch
        {
            KpiMeasuredEvent e => new() { KpiMeasuredEvent = e },
            LotConsumedEvent e => new() { LotConsumedEvent = e },
            LotProducedEvent e => new() { LotProducedEvent = e },
            MachineStateChangedEvent e => new() { MachineStateChangedEvent = e },
            MaterialReceivedEvent e => new() { MaterialReceivedEvent = e },
            MaterialRequirementEvent e => new() { MaterialRequirementEvent = e },
            OperationCompletedEvent e => new() { OperationCompletedEvent = e },
            OperationStartedEvent e => new() { OperationStartedEvent = e },
            ProductionActualReportedEvent e => new() { ProductionActualReportedEvent = e },
            ProductionOrderReleasedEvent e => new() { ProductionOrderReleasedEvent = e },
            PurchaseOrderPlacedEvent e => new() { PurchaseOrderPlacedEvent = e },
            QualityHoldRaisedEvent e => new() { QualityHoldRaisedEvent = e },
            QualityHoldReleasedEvent e => new() { QualityHoldReleasedEvent = e },
            SalesOrderConfirmedEvent e => new() { SalesOrderConfirmedEvent = e },
            ShipmentDispatchedEvent e => new() { ShipmentDispatchedEvent = e },
            ShipmentPlannedEvent e => new() { ShipmentPlannedEvent = e },
            SupplierDeliveryDelayedEvent e => new() { SupplierDeliveryDelayedEvent = e },
            _ => throw new ArgumentOutOfRangeException(nameof(fact), $"{typeof(TEnvelope).Name} is not one of the intake's facts."),
        };
    }
}
