namespace ExecutionLayer.Contracts.Exceptions;

/// <summary>An exception case was opened at a site (for dashboards and notification bridges).</summary>
public sealed record ExceptionCaseOpened(Guid CaseId, string Kind, string Site, string Summary, string TriggerSubject, DateTimeOffset OpenedAt);

/// <summary>
/// The exceptions service asks the actions service for one action per routed function. <see cref="RequestId"/>
/// is stable, so a re-delivered request creates one action.
/// </summary>
public sealed record ActionRequested(
    Guid RequestId, Guid CaseId, string Site, string Function, string OwnerRole, string Title, string Severity,
    IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Shipments, decimal ValueAtRisk, DateTimeOffset RequestedAt);

/// <summary>Every production order consuming the held lot or a descendant, and every shipment containing them, is blocked.</summary>
public sealed record QualityHoldPropagated(
    Guid CaseId, string HoldId, string LotId, string Site, IReadOnlyList<string> Lots, IReadOnlyList<string> BlockedProductionOrders,
    IReadOnlyList<string> BlockedShipments, DateTimeOffset RaisedAt, DateTimeOffset PropagatedAt);

/// <summary>A KPI reading from ERP/MES, forwarded to the actions service's KPI registry.</summary>
public sealed record KpiMeasurementReceived(string Source, string SourceEventId, string Site, string Kpi, decimal Value, string Unit, DateTimeOffset MeasuredAt);
