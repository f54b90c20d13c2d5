using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Cases;

public enum CaseKind { MachineDown, QualityHold, Shortage, PromiseAtRisk }

public enum Severity { Low, Medium, High, Critical }

public enum CaseStatus { None, Open, Assessed, Responding, Resolved, Closed }

public enum ResponseStatus { Requested, Open, Verified, Cancelled }

/// <summary><see cref="Refused"/>: no policy could route the request, so nobody decided it.</summary>
public enum ApprovalOutcome { Pending, Granted, Rejected, Expired, Withdrawn, Refused }

public sealed record RoutedFunction(string Function, string OwnerRole);

/// <summary>One function's action on the case: asked for with <see cref="RequestId"/>, linked once the actions service created it.</summary>
public sealed record CaseAction(Guid RequestId, string Function, string OwnerRole, Guid? ActionId, ResponseStatus Status)
{
    /// <summary>Stable per case and function, so re-routing or re-delivery never asks twice.</summary>
    public static Guid RequestIdFor(Guid caseId, string function) => DeterministicId.From($"action-request|{caseId}|{function}");
}

public sealed record CaseApproval(Guid RequestId, string SubjectType, string SubjectId, decimal? Amount, string? Currency, ApprovalOutcome Outcome);

public abstract record CaseEvent;

/// <param name="TriggerKey">What the case is about, unique among open cases of its kind ("OH-DAYTON/CNC-4", a hold id).</param>
public sealed record CaseOpened(Guid CaseId, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, string Summary, DateTimeOffset OpenedAt) : CaseEvent;

public sealed record ImpactAssessed(Guid CaseId, Impact Impact, Severity Severity, ImpactChange Change, DateTimeOffset AssessedAt) : CaseEvent;

/// <summary>Carries the impact it was routed on, so each function's request states what it is acting on.</summary>
public sealed record CaseRouted(Guid CaseId, IReadOnlyList<RoutedFunction> Functions, Severity Severity, Impact Impact, DateTimeOffset RoutedAt) : CaseEvent;

public sealed record HoldPropagated(
    Guid CaseId, string HoldId, string LotId, IReadOnlyList<string> Lots, IReadOnlyList<string> BlockedProductionOrders,
    IReadOnlyList<string> BlockedShipments, DateTimeOffset RaisedAt, DateTimeOffset PropagatedAt) : CaseEvent;

/// <summary>The response needs a decision; <see cref="Context"/> is the impact it is asked on, frozen for every approver.</summary>
/// <param name="Requester">Whose request it is (the signed caller, or the person a client acted for).</param>
/// <param name="RequestedBy">The client that asked for the requester, when one did.</param>
public sealed record ApprovalRequested(
    Guid CaseId, Guid RequestId, string SubjectType, string SubjectId, decimal? Amount, string? Currency, Severity Severity, string Requester,
    string Reason, string CaseSummary, Impact Context, DateTimeOffset RequestedAt, string? RequestedBy = null) : CaseEvent;

public sealed record ActionLinked(Guid CaseId, Guid RequestId, Guid ActionId, string Function, DateTimeOffset LinkedAt) : CaseEvent;

public sealed record ActionClosed(Guid CaseId, Guid RequestId, Guid ActionId, ResponseStatus Outcome, string By, DateTimeOffset ClosedAt) : CaseEvent;

public sealed record ApprovalDecided(Guid CaseId, Guid RequestId, Guid ApprovalId, ApprovalOutcome Outcome, string By, DateTimeOffset DecidedAt) : CaseEvent;

/// <summary>The SLA ran out before the case was resolved: <see cref="NotifyRole"/> is the next rung of the site's ladder.</summary>
public sealed record CaseEscalated(Guid CaseId, int Level, string NotifyRole, Severity Severity, DateTimeOffset EscalatedAt) : CaseEvent;

public sealed record CaseResolved(Guid CaseId, string Reason, DateTimeOffset ResolvedAt) : CaseEvent;

public sealed record CaseClosed(Guid CaseId, DateTimeOffset ClosedAt) : CaseEvent;

/// <summary>An exception case: a deviation from the plan, its assessed impact, who was routed to act and how far they got.</summary>
public sealed record ExceptionCase(
    Guid Id, CaseStatus Status, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, string Summary, Impact Impact,
    Severity Severity, IReadOnlyList<RoutedFunction> RoutedTo, IReadOnlyList<CaseAction> Actions, IReadOnlyList<CaseApproval> Approvals,
    int EscalationLevel) : IAggregate<ExceptionCase>
{
    public static string StreamType => "exception-case";

    public static ExceptionCase Initial { get; } = new(Guid.Empty, CaseStatus.None, default, "", "", "", "", Impact.None, Severity.Low, [], [], [], 0);

    public static string StreamId(Guid caseId) => $"case-{caseId}";

    public ExceptionCase Evolve(object @event) => @event switch
    {
        CaseOpened e => this with
        {
            Id = e.CaseId, Status = CaseStatus.Open, Kind = e.Kind, Site = e.Site, TriggerKey = e.TriggerKey, TriggerSubject = e.TriggerSubject, Summary = e.Summary,
        },
        ImpactAssessed e => this with { Status = Status == CaseStatus.Open ? CaseStatus.Assessed : Status, Impact = e.Impact, Severity = e.Severity },
        CaseRouted e => this with
        {
            Status = CaseStatus.Responding, RoutedTo = [.. RoutedTo, .. e.Functions], Severity = e.Severity,
            Actions = [.. Actions, .. e.Functions.Select(f => new CaseAction(CaseAction.RequestIdFor(Id, f.Function), f.Function, f.OwnerRole, null, ResponseStatus.Requested))],
        },
        ApprovalRequested e => this with { Approvals = [.. Approvals, new CaseApproval(e.RequestId, e.SubjectType, e.SubjectId, e.Amount, e.Currency, ApprovalOutcome.Pending)] },
        ActionLinked e => this with { Actions = [.. Actions.Select(a => a.RequestId == e.RequestId ? a with { ActionId = e.ActionId, Status = ResponseStatus.Open } : a)] },
        ActionClosed e => this with { Actions = [.. Actions.Select(a => a.RequestId == e.RequestId ? a with { ActionId = e.ActionId, Status = e.Outcome } : a)] },
        ApprovalDecided e => this with { Approvals = [.. Approvals.Select(a => a.RequestId == e.RequestId ? a with { Outcome = e.Outcome } : a)] },
        CaseEscalated e => this with { EscalationLevel = e.Level },
        CaseResolved => this with { Status = CaseStatus.Resolved },
        CaseClosed => this with { Status = CaseStatus.Closed },
        _ => this,
    };

    /// <summary>The deviation is still there: impact is assessed and routed, SLAs run.</summary>
    public bool IsOpen => Status is CaseStatus.Open or CaseStatus.Assessed or CaseStatus.Responding;

    /// <summary>Every action asked for is verified or cancelled and every approval decided.</summary>
    public bool ResponseComplete =>
        Actions.All(a => a.Status is ResponseStatus.Verified or ResponseStatus.Cancelled) && Approvals.All(a => a.Outcome != ApprovalOutcome.Pending);
}
