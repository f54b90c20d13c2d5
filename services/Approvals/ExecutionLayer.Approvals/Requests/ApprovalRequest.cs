using System.Text.Json;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Requests;

/// <summary><see cref="Refused"/>: no policy or nobody could take the request — no person decided it, unlike <see cref="Rejected"/>.</summary>
public enum ApprovalStatus { None, Pending, Granted, Rejected, Expired, Withdrawn, Refused }

public enum Verdict { Approve, Reject }

/// <summary>How a decision reached us: a signed link's token, or a bridge's signed callback carrying one.</summary>
public enum DecisionChannel { Link, Callback }

public enum EscalationTrigger { Timer, Person }

public sealed record Subject(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

/// <summary>Work the requester wants done once the request is granted; the actions service turns each into an action item.</summary>
public sealed record FollowUp(string Title, string Owner, int DueInDays);

/// <summary>A stage as the policy laid it out when the request was resolved: the references, resolved to people when the stage opens.</summary>
public sealed record PlannedStage(int Index, string Name, IReadOnlyList<ApproverRef> Approvers, Quorum Quorum, TimeSpan Sla, IReadOnlyList<ApproverRef> Escalation);

/// <summary>A delegate notified in place of (as well as) one of the stage's approvers.</summary>
public sealed record StageDelegate(string From, string To, Guid DelegationId);

/// <param name="Seat">Whose place the decision filled: the approver, also when a delegate decided for them.</param>
public sealed record Vote(string Seat, string DecidedBy, Verdict Verdict, DateTimeOffset DecidedAt);

/// <summary>The open stage: who may decide it now (level 0 the policy's approvers, then each escalation level), and what they said.</summary>
public sealed record StageState(
    int Index, string Name, int Level, IReadOnlyList<string> Approvers, IReadOnlyList<StageDelegate> Delegates, int Required,
    DateTimeOffset OpenedAt, DateTimeOffset DueAt, IReadOnlyList<Vote> Votes)
{
    public int Approvals => Votes.Count(v => v.Verdict == Verdict.Approve);

    public int Rejections => Votes.Count(v => v.Verdict == Verdict.Reject);

    /// <summary>The quorum can no longer be reached once more have rejected than the seats it may spare.</summary>
    public bool CannotPass => Rejections > Approvers.Count - Required;
}

public abstract record ApprovalEvent;

/// <summary>
/// The request, resolved to a policy version and a plan. <see cref="DecisionContext"/> is the data the
/// decision relies on, frozen here so every approver — and later the auditor — sees exactly it.
/// <see cref="Requester"/> is whose request it is; <see cref="RequestedBy"/> the client that sent it for
/// them, when one did. Neither may approve it.
/// </summary>
public sealed record ApprovalRequested(
    Guid ApprovalId, Subject Subject, string Site, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
    string? CorrelationId, Guid? ExternalReference, JsonElement DecisionContext, string PolicyId, int PolicyVersion,
    IReadOnlyList<PlannedStage> Plan, DateTimeOffset ExpiresAt, IReadOnlyList<FollowUp> FollowUps, DateTimeOffset RequestedAt, string? RequestedBy = null) : ApprovalEvent;

/// <summary>A request no policy could route (none matches, or nobody holds the roles): refused on arrival, never left hanging.</summary>
public sealed record ApprovalRefused(
    Guid ApprovalId, Subject Subject, string Site, string Requester, string Reason, string? CorrelationId, Guid? ExternalReference,
    JsonElement DecisionContext, string Why, DateTimeOffset RefusedAt) : ApprovalEvent;

public sealed record StageOpened(Guid ApprovalId, int Stage, string Name, IReadOnlyList<string> Approvers, int Required, DateTimeOffset DueAt, DateTimeOffset OpenedAt) : ApprovalEvent;

/// <summary>An approver's delegate is asked too, and may decide in the approver's seat.</summary>
public sealed record StageDelegated(Guid ApprovalId, int Stage, int Level, string From, string To, Guid DelegationId, DateTimeOffset DelegatedAt) : ApprovalEvent;

/// <summary>One person was sent the request with their decision links.</summary>
public sealed record ApproverNotified(Guid ApprovalId, int Stage, int Level, string Approver, string? OnBehalfOf, bool Escalation, DateTimeOffset NotifiedAt) : ApprovalEvent;

public sealed record DecisionRecorded(
    Guid ApprovalId, int Stage, int Level, string DecidedBy, string? OnBehalfOf, Verdict Verdict, string? Comment, DecisionChannel Via, Guid? TokenId,
    DateTimeOffset DecidedAt) : ApprovalEvent;

/// <summary>The stage ran out of time (<see cref="EscalationTrigger.Timer"/>) or someone pushed it up: reassigned to the next level.</summary>
public sealed record StageEscalated(
    Guid ApprovalId, int Stage, int Level, EscalationTrigger Trigger, string? EscalatedBy, string To, IReadOnlyList<string> Approvers,
    DateTimeOffset DueAt, DateTimeOffset EscalatedAt) : ApprovalEvent;

/// <summary>A stage reached its quorum or can no longer reach it. <see cref="OpenedAt"/> makes its latency readable from the event alone.</summary>
public sealed record StageDecided(Guid ApprovalId, int Stage, Verdict Verdict, DateTimeOffset OpenedAt, DateTimeOffset DecidedAt) : ApprovalEvent;

public sealed record ApprovalGranted(
    Guid ApprovalId, Subject Subject, string Site, string PolicyId, int PolicyVersion, string DecidedBy, Guid? ExternalReference,
    IReadOnlyList<FollowUp> FollowUps, DateTimeOffset GrantedAt) : ApprovalEvent;

public sealed record ApprovalRejected(
    Guid ApprovalId, Subject Subject, string Site, string PolicyId, int PolicyVersion, string DecidedBy, string? Comment, Guid? ExternalReference,
    DateTimeOffset RejectedAt) : ApprovalEvent;

public sealed record ApprovalExpired(Guid ApprovalId, Subject Subject, string Site, Guid? ExternalReference, DateTimeOffset ExpiredAt) : ApprovalEvent;

public sealed record ApprovalWithdrawn(Guid ApprovalId, Subject Subject, string Site, string WithdrawnBy, string Reason, Guid? ExternalReference, DateTimeOffset WithdrawnAt) : ApprovalEvent;

/// <summary>An approval request: what is asked, on which data, under which policy version, and how far it got.</summary>
public sealed record ApprovalRequest(
    Guid Id, ApprovalStatus Status, Subject Subject, string Site, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
    string? CorrelationId, Guid? ExternalReference, JsonElement DecisionContext, string PolicyId, int PolicyVersion, IReadOnlyList<PlannedStage> Plan,
    DateTimeOffset ExpiresAt, IReadOnlyList<FollowUp> FollowUps, StageState? Stage, DateTimeOffset RequestedAt, string? Outcome, string? RequestedBy = null)
    : IAggregate<ApprovalRequest>
{
    public static string StreamType => "approval";

    public static ApprovalRequest Initial { get; } = new(
        Guid.Empty, ApprovalStatus.None, new Subject("", ""), "", null, null, null, "", "", null, null, default, "", 0, [], default, [], null, default, null);

    public static string StreamId(Guid approvalId) => $"approval-{approvalId}";

    public bool IsOpen => Status == ApprovalStatus.Pending;

    public ApprovalRequest Evolve(object @event) => @event switch
    {
        ApprovalRequested e => this with
        {
            Id = e.ApprovalId, Status = ApprovalStatus.Pending, Subject = e.Subject, Site = e.Site, Amount = e.Amount, Currency = e.Currency,
            Severity = e.Severity, Requester = e.Requester, Reason = e.Reason, CorrelationId = e.CorrelationId, ExternalReference = e.ExternalReference,
            DecisionContext = e.DecisionContext, PolicyId = e.PolicyId, PolicyVersion = e.PolicyVersion, Plan = e.Plan, ExpiresAt = e.ExpiresAt,
            FollowUps = e.FollowUps, RequestedAt = e.RequestedAt, RequestedBy = e.RequestedBy,
        },
        ApprovalRefused e => this with
        {
            Id = e.ApprovalId, Status = ApprovalStatus.Refused, Subject = e.Subject, Site = e.Site, Requester = e.Requester, Reason = e.Reason,
            CorrelationId = e.CorrelationId, ExternalReference = e.ExternalReference, DecisionContext = e.DecisionContext, RequestedAt = e.RefusedAt,
            Outcome = $"refused: {e.Why}",
        },
        StageOpened e => this with { Stage = new StageState(e.Stage, e.Name, 0, e.Approvers, [], e.Required, e.OpenedAt, e.DueAt, []) },
        StageDelegated e => this with { Stage = Stage! with { Delegates = [.. Stage.Delegates, new StageDelegate(e.From, e.To, e.DelegationId)] } },
        DecisionRecorded e => this with { Stage = Stage! with { Votes = [.. Stage.Votes, new Vote(e.OnBehalfOf ?? e.DecidedBy, e.DecidedBy, e.Verdict, e.DecidedAt)] } },
        StageEscalated e => this with
        {
            Stage = Stage! with { Level = e.Level, Approvers = e.Approvers, Delegates = [], Required = 1, DueAt = e.DueAt, Votes = [] },
        },
        ApprovalGranted e => this with { Status = ApprovalStatus.Granted, Outcome = $"granted by {e.DecidedBy}" },
        ApprovalRejected e => this with { Status = ApprovalStatus.Rejected, Outcome = $"rejected by {e.DecidedBy}" },
        ApprovalExpired => this with { Status = ApprovalStatus.Expired, Outcome = "expired" },
        ApprovalWithdrawn e => this with { Status = ApprovalStatus.Withdrawn, Outcome = $"withdrawn by {e.WithdrawnBy}" },
        _ => this,
    };
}
