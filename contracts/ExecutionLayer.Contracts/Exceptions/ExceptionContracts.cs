namespace ExecutionLayer.Contracts.Exceptions;

/// <summary>An exception case was opened at a site (for dashboards and notification bridges).</summary>
public sealed record ExceptionCaseOpened(Guid CaseId, string Kind, string Site, string Summary, string TriggerSubject, DateTimeOffset OpenedAt);

/// <summary>
/// The exceptions service asks the actions service for one action per routed function. <see cref="RequestId"/>
/// is stable, so a re-delivered request creates one action; the actions service echoes it as the action's source reference.
/// </summary>
public sealed record ActionRequested(
    Guid RequestId, Guid CaseId, string Site, string Function, string OwnerRole, string Title, string Severity,
    IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Shipments, decimal ValueAtRisk, DateTimeOffset RequestedAt);

/// <summary>
/// A case's response needs a decision (overtime above a cost, expedited freight, use-as-is deviation). The
/// approvals service opens a request for it, keeping <see cref="Context"/> as the data every approver sees, and
/// echoes <see cref="RequestId"/> as the request's external reference. <see cref="Requester"/> is whose request
/// it is; <see cref="RequestedBy"/> the client that asked for them, when one did.
/// </summary>
public sealed record ApprovalNeeded(
    Guid RequestId, Guid CaseId, string Site, string SubjectType, string SubjectId, decimal? Amount, string? Currency, string Severity,
    string Requester, string Reason, DecisionContext Context, DateTimeOffset RequestedAt, string? RequestedBy = null);

/// <summary>The live impact a decision is taken on, as assessed at <see cref="AssessedAt"/>.</summary>
public sealed record DecisionContext(
    string CaseSummary, IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Lots, IReadOnlyList<string> Shipments,
    IReadOnlyList<CommitmentAtRisk> Commitments, decimal ValueAtRisk, DateTimeOffset AssessedAt);

public sealed record CommitmentAtRisk(string SalesOrderId, string Customer, DateTimeOffset PromiseDate, decimal Value, string Currency);

/// <summary>A case outlived its SLA: the next level of the site's escalation ladder is to be told.</summary>
public sealed record ExceptionCaseEscalated(Guid CaseId, string Site, int Level, string NotifyRole, string Severity, DateTimeOffset EscalatedAt);

/// <summary>The deviation has cleared (machine running, hold released, supply in time, promise reachable).</summary>
public sealed record ExceptionCaseResolved(Guid CaseId, string Site, string Reason, DateTimeOffset ResolvedAt);

/// <summary>Resolved, and every action it asked for verified or cancelled and every approval decided.</summary>
public sealed record ExceptionCaseClosed(Guid CaseId, string Site, DateTimeOffset ClosedAt);

/// <summary>Every production order consuming the held lot or a descendant, and every shipment containing them, is blocked.</summary>
public sealed record QualityHoldPropagated(
    Guid CaseId, string HoldId, string LotId, string Site, IReadOnlyList<string> Lots, IReadOnlyList<string> BlockedProductionOrders,
    IReadOnlyList<string> BlockedShipments, DateTimeOffset RaisedAt, DateTimeOffset PropagatedAt);

/// <summary>A KPI reading from ERP/MES, forwarded to the actions service's KPI registry.</summary>
public sealed record KpiMeasurementReceived(string Source, string SourceEventId, string Site, string Kpi, decimal Value, string Unit, DateTimeOffset MeasuredAt);
