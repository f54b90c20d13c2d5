using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary><see cref="UngovernedChange"/>: the ERP reported a governed field changed with no granted change behind it.</summary>
public enum CaseKind { MachineDown, QualityHold, Shortage, PromiseAtRisk, UngovernedChange }

public enum Severity { Low, Medium, High, Critical }

public enum CaseStatus { None, Open, Assessed, Responding, Resolved, Closed }

public enum ResponseStatus { Requested, Open, Verified, Cancelled }

/// <summary><see cref="Refused"/>: no policy could route the request, so nobody decided it.</summary>
public enum ApprovalOutcome { Pending, Granted, Rejected, Expired, Withdrawn, Refused }

public sealed record RoutedFunction(string Function, string OwnerRole);

/// <summary>
/// One function's action on the case: asked for with <see cref="RequestId"/>, linked once the actions service created it
/// (<see cref="LinkedAt"/>), started when its owner began work — or, failing a start, when it was verified done.
/// </summary>
public sealed record CaseAction(
    Guid RequestId, string Function, string OwnerRole, Guid? ActionId, ResponseStatus Status, DateTimeOffset? LinkedAt = null, DateTimeOffset? StartedAt = null)
{
    /// <summary>Stable per case and function, so re-routing or re-delivery never asks twice.</summary>
    public static Guid RequestIdFor(Guid caseId, string function) => DeterministicId.From($"action-request|{caseId}|{function}");
}

public sealed record CaseApproval(Guid RequestId, string SubjectType, string SubjectId, decimal? Amount, string? Currency, ApprovalOutcome Outcome);

/// <summary>
/// An exception case: a deviation from the plan, its assessed impact (as of <see cref="AssessedAt"/>), who was routed to act and how
/// far they got.
/// </summary>
public sealed partial record ExceptionCase(
    Guid Id, CaseStatus Status, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, string Summary, Impact Impact,
    Severity Severity, IReadOnlyList<RoutedFunction> RoutedTo, IReadOnlyList<CaseAction> Actions, IReadOnlyList<CaseApproval> Approvals,
    int EscalationLevel, DateTimeOffset? AssessedAt = null) : IAggregate<ExceptionCase, ExceptionCase.Event>
{
    public static string StreamType => "exception-case";

    public static ExceptionCase Initial { get; } = new(Guid.Empty, CaseStatus.None, default, "", "", "", "", Impact.None, Severity.Low, [], [], [], 0);

    public static string StreamId(Guid caseId) => $"case-{caseId}";

    public ExceptionCase Apply(Event @event) => @event switch
    {
        Event.Opened e => this with
        {
            Id = e.CaseId, Status = CaseStatus.Open, Kind = e.Kind, Site = e.Site, TriggerKey = e.TriggerKey, TriggerSubject = e.TriggerSubject, Summary = e.Summary,
        },
        Event.ImpactAssessed e => this with
        {
            Status = Status == CaseStatus.Open ? CaseStatus.Assessed : Status, Impact = e.Impact, Severity = e.Severity, AssessedAt = e.AssessedAt,
        },
        Event.Routed e => this with
        {
            Status = CaseStatus.Responding, RoutedTo = [.. RoutedTo, .. e.Functions], Severity = e.Severity,
            Actions = [.. Actions, .. e.Functions.Select(f => new CaseAction(CaseAction.RequestIdFor(Id, f.Function), f.Function, f.OwnerRole, null, ResponseStatus.Requested))],
        },
        Event.ApprovalRequested e => this with { Approvals = [.. Approvals, new CaseApproval(e.RequestId, e.SubjectType, e.SubjectId, e.Amount, e.Currency, ApprovalOutcome.Pending)] },
        Event.ActionLinked e => this with
        {
            Actions = [.. Actions.Select(a => a.RequestId == e.RequestId ? a with { ActionId = e.ActionId, Status = ResponseStatus.Open, LinkedAt = e.LinkedAt } : a)],
        },
        Event.ActionStarted e => this with { Actions = [.. Actions.Select(a => a.RequestId == e.RequestId ? a with { ActionId = e.ActionId, StartedAt = a.StartedAt ?? e.StartedAt } : a)] },
        Event.ActionClosed e => this with
        {
            Actions = [.. Actions.Select(a => a.RequestId == e.RequestId
                ? a with { ActionId = e.ActionId, Status = e.Outcome, StartedAt = a.StartedAt ?? (e.Outcome == ResponseStatus.Verified ? e.ClosedAt : null) }
                : a)],
        },
        Event.ApprovalDecided e => this with { Approvals = [.. Approvals.Select(a => a.RequestId == e.RequestId ? a with { Outcome = e.Outcome } : a)] },
        Event.Escalated e => this with { EscalationLevel = e.Level },
        Event.Resolved => this with { Status = CaseStatus.Resolved },
        Event.Closed => this with { Status = CaseStatus.Closed },
        // Where the hold reached is recorded for the auditor and the responders; the case decides nothing on it.
        Event.HoldPropagated => this,
        // The recommendation keeps its own work; the case records that it was accepted about it, for the people on the case and the auditor.
        Event.RecommendationLinked => this,
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a case event."), // unreachable: the hierarchy is closed
    };

    /// <summary>The deviation is still there: impact is assessed and routed, SLAs run.</summary>
    public bool IsOpen => Status is CaseStatus.Open or CaseStatus.Assessed or CaseStatus.Responding;

    /// <summary>Every action asked for is verified or cancelled and every approval decided.</summary>
    public bool ResponseComplete =>
        Actions.All(a => a.Status is ResponseStatus.Verified or ResponseStatus.Cancelled) && Approvals.All(a => a.Outcome != ApprovalOutcome.Pending);
}
