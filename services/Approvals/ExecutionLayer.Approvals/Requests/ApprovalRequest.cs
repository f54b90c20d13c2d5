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

/// <summary>An approval request: what is asked, on which data, under which policy version, and how far it got.</summary>
public sealed partial record ApprovalRequest(
    Guid Id, ApprovalStatus Status, Subject Subject, string Site, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
    string? CorrelationId, Guid? ExternalReference, JsonElement DecisionContext, string PolicyId, int PolicyVersion, IReadOnlyList<PlannedStage> Plan,
    DateTimeOffset ExpiresAt, IReadOnlyList<FollowUp> FollowUps, StageState? Stage, DateTimeOffset RequestedAt, string? Outcome, string? RequestedBy = null,
    ReconfirmRule? Reconfirm = null, Uri? LiveContextUrl = null, IReadOnlyList<Amendment>? Amendments = null)
    : IAggregate<ApprovalRequest, ApprovalRequest.Event>
{
    public static string StreamType => "approval";

    public static ApprovalRequest Initial { get; } = new(
        Guid.Empty, ApprovalStatus.None, new Subject("", ""), "", null, null, null, "", "", null, null, default, "", 0, [], default, [], null, default, null);

    public static string StreamId(Guid approvalId) => $"approval-{approvalId}";

    public bool IsOpen => Status == ApprovalStatus.Pending;

    public ApprovalRequest Apply(Event @event) => @event switch
    {
        Event.Requested e => this with
        {
            Id = e.ApprovalId, Status = ApprovalStatus.Pending, Subject = e.Subject, Site = e.Site, Amount = e.Amount, Currency = e.Currency,
            Severity = e.Severity, Requester = e.Requester, Reason = e.Reason, CorrelationId = e.CorrelationId, ExternalReference = e.ExternalReference,
            DecisionContext = e.DecisionContext, PolicyId = e.PolicyId, PolicyVersion = e.PolicyVersion, Plan = e.Plan, ExpiresAt = e.ExpiresAt,
            FollowUps = e.FollowUps, RequestedAt = e.RequestedAt, RequestedBy = e.RequestedBy, Reconfirm = e.Reconfirm, LiveContextUrl = e.LiveContextUrl,
        },
        Event.Refused e => this with
        {
            Id = e.ApprovalId, Status = ApprovalStatus.Refused, Subject = e.Subject, Site = e.Site, Requester = e.Requester, Reason = e.Reason,
            CorrelationId = e.CorrelationId, ExternalReference = e.ExternalReference, DecisionContext = e.DecisionContext, RequestedAt = e.RefusedAt,
            Outcome = $"refused: {e.Why}",
        },
        Event.StageOpened e => this with { Stage = new StageState(e.Stage, e.Name, 0, e.Approvers, [], e.Required, e.OpenedAt, e.DueAt, []) },
        Event.StageDelegated e => this with { Stage = Stage! with { Delegates = [.. Stage.Delegates, new StageDelegate(e.From, e.To, e.DelegationId)] } },
        Event.DecisionRecorded e => this with
        {
            Stage = Stage! with { Votes = [.. Stage.Votes, new Vote(e.OnBehalfOf ?? e.DecidedBy, e.DecidedBy, e.Verdict, e.DecidedAt)] },
            Amendments = e.Amendments is { Count: > 0 } changes ? Requests.Amendments.Merge(Amendments ?? [], changes) : Amendments,
        },
        Event.StageEscalated e => this with
        {
            Stage = Stage! with { Level = e.Level, Approvers = e.Approvers, Delegates = [], Required = 1, DueAt = e.DueAt, Votes = [] },
        },
        Event.Granted e => this with { Status = ApprovalStatus.Granted, Outcome = $"granted by {e.DecidedBy}" },
        Event.Rejected e => this with { Status = ApprovalStatus.Rejected, Outcome = $"rejected by {e.DecidedBy}" },
        Event.Expired => this with { Status = ApprovalStatus.Expired, Outcome = "expired" },
        Event.Withdrawn e => this with { Status = ApprovalStatus.Withdrawn, Outcome = $"withdrawn by {e.WithdrawnBy}" },
        // Who was told, and that a stage reached its verdict (what follows from it is its own event), change nothing decided on.
        Event.ApproverNotified or Event.StageDecided => this,
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not an approval event."), // unreachable: the hierarchy is closed
    };
}
