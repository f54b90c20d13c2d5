using ExecutionLayer.EventSourcing.Decisions;

namespace ExecutionLayer.Exceptions.Cases;

public enum CaseKind { MachineDown, QualityHold, Shortage }

public enum Severity { Low, Medium, High, Critical }

public enum CaseStatus { None, Open, Assessed, Responding, Resolved, Closed }

public sealed record RoutedFunction(string Function, string OwnerRole);

public abstract record CaseEvent;

/// <param name="TriggerKey">What the case is about, unique among open cases of its kind ("OH-DAYTON/CNC-4", a hold id).</param>
public sealed record CaseOpened(Guid CaseId, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, string Summary, DateTimeOffset OpenedAt) : CaseEvent;

public sealed record ImpactAssessed(Guid CaseId, Impact Impact, Severity Severity, ImpactChange Change, DateTimeOffset AssessedAt) : CaseEvent;

/// <summary>Carries the impact it was routed on, so each function's request states what it is acting on.</summary>
public sealed record CaseRouted(Guid CaseId, IReadOnlyList<RoutedFunction> Functions, Severity Severity, Impact Impact, DateTimeOffset RoutedAt) : CaseEvent;

public sealed record HoldPropagated(
    Guid CaseId, string HoldId, string LotId, IReadOnlyList<string> Lots, IReadOnlyList<string> BlockedProductionOrders,
    IReadOnlyList<string> BlockedShipments, DateTimeOffset RaisedAt, DateTimeOffset PropagatedAt) : CaseEvent;

public sealed record CaseResolved(Guid CaseId, string Reason, DateTimeOffset ResolvedAt) : CaseEvent;

/// <summary>An exception case: a deviation from the plan, its assessed impact and who was routed to act.</summary>
public sealed record ExceptionCase(
    Guid Id, CaseStatus Status, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, Impact Impact, Severity Severity,
    IReadOnlyList<RoutedFunction> RoutedTo) : IAggregate<ExceptionCase>
{
    public static string StreamType => "exception-case";

    public static ExceptionCase Initial { get; } = new(Guid.Empty, CaseStatus.None, default, "", "", "", Impact.None, Severity.Low, []);

    public static string StreamId(Guid caseId) => $"case-{caseId}";

    public ExceptionCase Evolve(object @event) => @event switch
    {
        CaseOpened e => this with { Id = e.CaseId, Status = CaseStatus.Open, Kind = e.Kind, Site = e.Site, TriggerKey = e.TriggerKey, TriggerSubject = e.TriggerSubject },
        ImpactAssessed e => this with { Status = Status == CaseStatus.Open ? CaseStatus.Assessed : Status, Impact = e.Impact, Severity = e.Severity },
        CaseRouted e => this with { Status = CaseStatus.Responding, RoutedTo = [.. RoutedTo, .. e.Functions], Severity = e.Severity },
        CaseResolved => this with { Status = CaseStatus.Resolved },
        _ => this,
    };

    public bool IsOpen => Status is CaseStatus.Open or CaseStatus.Assessed or CaseStatus.Responding;
}
