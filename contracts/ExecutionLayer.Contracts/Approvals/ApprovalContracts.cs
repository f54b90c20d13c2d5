namespace ExecutionLayer.Contracts.Approvals;

// One record per outcome of an approval request. ExternalReference is what the requester asked with
// (an exception case's approval request id), so it can find its own record of the request.

public sealed record ApprovalGranted(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId,
    string PolicyId, int PolicyVersion, string DecidedBy, DateTimeOffset GrantedAt);

public sealed record ApprovalRejected(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId,
    string PolicyId, int PolicyVersion, string DecidedBy, string? Comment, DateTimeOffset RejectedAt);

public sealed record ApprovalExpired(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId, DateTimeOffset ExpiredAt);

public sealed record ApprovalWithdrawn(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId, string WithdrawnBy,
    DateTimeOffset WithdrawnAt);
