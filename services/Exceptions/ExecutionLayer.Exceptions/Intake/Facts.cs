using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Exceptions.Intake;

// The `data` of each operational event type. These records ARE the intake schema: a missing required
// field, a wrong JSON type or an unknown enum value fails deserialization with the JSON path named, and
// every string is held to the input policy (ids and codes at most 200 characters, reasons free text).

public sealed record SalesOrderConfirmed(string OrderId, string Customer, string Item, decimal Quantity, DateTimeOffset PromiseDate, decimal Value, string Currency);

public sealed record MaterialLine(string Item, decimal Quantity, string? LotId = null);

/// <summary>One step of an order's routing as scheduled: where it runs, and when it is planned to start and finish.</summary>
public sealed record RoutingStep(int Step, string WorkCenter, DateTimeOffset PlannedStart, DateTimeOffset PlannedFinish);

/// <param name="Routing">The order's steps as scheduled at release, when the ERP sends them: the plan schedule adherence is measured against.</param>
public sealed record ProductionOrderReleased(
    string OrderId, string Item, decimal Quantity, string WorkCenter, DateTimeOffset Due, IReadOnlyList<MaterialLine> Materials, string? SalesOrderId = null,
    IReadOnlyList<RoutingStep>? Routing = null);

/// <summary>MES: a step of a production order's routing started on a work center (when: the event's time).</summary>
public sealed record OperationStarted(string ProductionOrderId, int Step, string WorkCenter);

/// <summary>MES: a step of a production order's routing finished (when: the event's time).</summary>
public sealed record OperationCompleted(string ProductionOrderId, int Step, string WorkCenter);

public sealed record MaterialRequirement(string ProductionOrderId, string Item, decimal Quantity, DateTimeOffset NeedDate);

public sealed record PurchaseOrderPlaced(string PurchaseOrderId, string Supplier, string Item, decimal Quantity, DateTimeOffset Eta);

public sealed record SupplierDeliveryDelayed(string PurchaseOrderId, DateTimeOffset NewEta, [FreeText] string Reason);

public sealed record MaterialReceived(string PurchaseOrderId, string LotId, string Item, decimal Quantity);

public enum MachineState { Running, Down, Idle, Maintenance }

public sealed record MachineStateChanged(string WorkCenter, MachineState State, string? ReasonCode = null, [FreeText] string? Reason = null);

public sealed record QualityHoldRaised(string HoldId, string LotId, [FreeText] string Reason);

public sealed record QualityHoldReleased(string HoldId, string LotId);

public sealed record LotProduced(string LotId, string Item, decimal Quantity, IReadOnlyList<string> FromLots, string? ProductionOrderId = null);

public sealed record LotConsumed(string LotId, string ProductionOrderId, decimal Quantity);

public sealed record ShipmentPlanned(string ShipmentId, IReadOnlyList<string> SalesOrderIds, IReadOnlyList<string> LotIds, string Carrier, DateTimeOffset PlannedDate);

public sealed record ShipmentDispatched(string ShipmentId, DateTimeOffset DispatchedAt);

public sealed record ProductionActualReported(string ProductionOrderId, decimal QuantityGood, decimal QuantityScrap);

public sealed record KpiMeasured(string Kpi, decimal Value, string Unit, DateTimeOffset MeasuredAt);
