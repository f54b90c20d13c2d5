namespace ExecutionLayer.Contracts.Approvals;

// One record per outcome of an approval request. ExternalReference is what the requester asked with
// (an exception case's approval request id), so it can find its own record of the request.

/// <param name="FollowUps">Work the requester asked to be done once granted; the actions service makes each an action item.</param>
/// <param name="Amendments">
/// What the approvers changed in what was asked (a request whose context listed <c>amendable</c> items): granted as changed. None: as asked.
/// </param>
public sealed record ApprovalGranted(
    Guid ApprovalId, Guid? ExternalReference, string? CorrelationId, string Site, string SubjectType, string SubjectId,
    string PolicyId, int PolicyVersion, string DecidedBy, DateTimeOffset GrantedAt, IReadOnlyList<ApprovalFollowUp>? FollowUps = null,
    IReadOnlyList<ApprovalAmendment>? Amendments = null);

/// <summary>A change to one amendable item, by its index: left out, a lower cost, fewer hours, a smaller quantity, or another time.</summary>
public sealed record ApprovalAmendment(int Index, bool Drop, decimal? Cost, decimal? Hours, decimal? Quantity, DateTimeOffset? At);

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
