using ExecutionLayer.Contracts.Exceptions;

namespace ExecutionLayer.Contracts.Recommendations;

// A recommendation from a planning or AI system is owned by the exceptions service (it knows the plant it is about); people decide
// it through the approvals service, under the policy for its subject type; the actions service makes its accepted actions action items.

/// <summary>
/// A recommendation needs a person's decision: the approvals service opens a request under the policy for <see cref="SubjectType"/>,
/// keeping <see cref="Context"/> as what every approver sees (and asking the exceptions service for it again when it decides, so a
/// context that drifted is shown), and echoes <see cref="RequestId"/> as the request's external reference. The request expires with
/// the recommendation, at <see cref="ExpiresAt"/>, if the policy would keep it longer.
/// </summary>
public sealed record RecommendationApprovalNeeded(
    Guid RequestId, Guid RecommendationId, string Site, string SubjectType, string SubjectId, decimal Amount, string Currency, string Severity,
    string Requester, string Reason, RecommendationContext Context, DateTimeOffset ExpiresAt, DateTimeOffset RequestedAt);

/// <summary>
/// What an approver of a recommendation sees: who proposed it (system, model and version) and how sure it is, what it proposes and
/// what it expects to come of it, the evidence it gives, and what its subjects touch now — orders, lots, shipments, the customers
/// behind them and the value at risk (the members context drift is read from). <see cref="Amendable"/> lists each proposed action
/// with what an approver may lower or move, so one may approve it with changes.
/// </summary>
public sealed record RecommendationContext(
    Guid RecommendationId, string SourceSystem, string Model, string ModelVersion, decimal Confidence, string ExpectedEffect,
    IReadOnlyList<string> ProposedActions, IReadOnlyList<RecommendationEvidenceItem> Evidence, Guid? CaseId,
    IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Lots, IReadOnlyList<string> Shipments, IReadOnlyList<CommitmentAtRisk> Commitments,
    decimal ValueAtRisk, DateTimeOffset AssessedAt, IReadOnlyList<AmendableAction> Amendable);

/// <summary>A proposed action by its place, and what it asks for: a cost, hours, a quantity, a time (its need-by, planned start or day).</summary>
public sealed record AmendableAction(int Index, string Kind, string Title, decimal? Cost, decimal? Hours, decimal? Quantity, DateTimeOffset? At);

public sealed record RecommendationEvidenceItem(string Label, string? Value, string? Url);

/// <summary>
/// A recommendation was accepted — by a person (<see cref="ApprovalId"/> names the approval) or by the recommendation policy's rule
/// (<see cref="AcceptedBy"/> is the rule) — and each of <see cref="Work"/> is to become an action item, named by its request id so
/// a redelivery makes no second. <see cref="Kpi"/> is the KPI its expected effect is judged on, linked to every action, within
/// <see cref="VerificationWindowDays"/> of each action's closure (null: the site's window).
/// </summary>
public sealed record RecommendationAccepted(
    Guid RecommendationId, string Site, string SourceSystem, string Model, string AcceptedBy, Guid? ApprovalId, string? Kpi, int? VerificationWindowDays,
    IReadOnlyList<RecommendedWork> Work, DateTimeOffset AcceptedAt);

/// <summary>One accepted action: what to do, which function owns it (and the role that owns the function's work), due within days.</summary>
public sealed record RecommendedWork(Guid RequestId, string Kind, string Title, string Description, string Function, string OwnerRole, int DueInDays);

/// <summary>
/// An accepted recommendation changes data the ERP keeps: the ERP is to carry out <see cref="Kind"/> (expedite-purchase-order,
/// resequence-production-order, reallocate-lot, add-overtime, release-hold) on the subject, with what it names. This message and
/// the <c>erp.command</c> webhook are its cue; <see cref="CommandId"/> is stable (it is the action's request id), so an ERP that
/// hears it twice does it once. The action item of the same request id tracks that it was done.
/// </summary>
public sealed record ErpCommandIssued(
    Guid CommandId, Guid RecommendationId, string Site, string Kind, string Subject, string? PurchaseOrderId, string? ProductionOrderId, string? LotId,
    string? HoldId, string? WorkCenter, string? ToProductionOrderId, DateTimeOffset? NeedBy, DateTimeOffset? PlannedStart, DateTimeOffset? On,
    decimal? Quantity, decimal? Hours, decimal? Cost, string Reason, string AcceptedBy, DateTimeOffset IssuedAt);
