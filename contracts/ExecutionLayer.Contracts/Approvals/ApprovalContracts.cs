namespace ExecutionLayer.Contracts.Approvals;

// One record per outcome of an approval request. ExternalReference is what the requester asked with
// (an exception case's approval request id), so it can find its own record of the request.

/// <param name="FollowUps">Work the requester asked to be done once granted; the actions service makes each an action item.</param>
public sealed record ApprovalGranted(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId,
    string PolicyId, int PolicyVersion, string DecidedBy, DateTimeOffset GrantedAt, IReadOnlyList<ApprovalFollowUp>? FollowUps = null);

public sealed record ApprovalFollowUp(string Title, string Owner, int DueInDays);

public sealed record ApprovalRejected(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId,
    string PolicyId, int PolicyVersion, string DecidedBy, string? Comment, DateTimeOffset RejectedAt);

public sealed record ApprovalExpired(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId, DateTimeOffset ExpiredAt);

/// <summary>No policy, or nobody at the site, could take the request: it was refused on arrival, not decided by anyone.</summary>
public sealed record ApprovalRefused(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId, string Why, DateTimeOffset RefusedAt);

public sealed record ApprovalWithdrawn(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId, string WithdrawnBy,
    DateTimeOffset WithdrawnAt);
