using ExecutionLayer.Contracts.Exceptions;

namespace ExecutionLayer.Contracts.Changes;

// A governed field (a sales order's promise date, a production order's due date, a shipment's carrier or planned date)
// changes only through a change request: the exceptions service owns the requests and what is governed; the approvals
// service decides them with the policy for the field's subject type; the ERP applies what was granted.

/// <summary>
/// A change to a governed field needs a decision. The approvals service opens a request for it under the policy for
/// <see cref="SubjectType"/>, keeping <see cref="Context"/> as the data every approver sees, and echoes <see cref="RequestId"/>
/// as the request's external reference. <see cref="Requester"/> is whose change it is; <see cref="RequestedBy"/> the client
/// that asked for them, when one did.
/// </summary>
public sealed record ChangeApprovalNeeded(
    Guid RequestId, Guid ChangeId, string Site, string SubjectType, string SubjectId, string Severity, string Requester, string Reason,
    ChangeContext Context, DateTimeOffset RequestedAt, string? RequestedBy = null);

/// <summary>
/// What an approver of a change sees: the field, its value now and the one asked for, how big the change is (days later, for
/// a date), and what the entity touches — orders, shipments and the commitments behind them.
/// </summary>
public sealed record ChangeContext(
    string Entity, string EntityId, string Field, string From, string To, decimal? Size, string? SizeUnit,
    IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Shipments, IReadOnlyList<CommitmentAtRisk> Commitments, decimal ValueAtRisk,
    DateTimeOffset AssessedAt);

/// <summary>
/// A change to a governed field was granted: the ERP applies it (this message, and the <c>change.approved</c> webhook, are its
/// cue). <see cref="ApprovalId"/> is the approval request that granted it, null when its size needed none.
/// </summary>
public sealed record ChangeApproved(
    Guid ChangeId, string Site, string Entity, string EntityId, string Field, string From, string To, string Reason, string RequestedBy,
    string ApprovedBy, Guid? ApprovalId, DateTimeOffset ApprovedAt);
