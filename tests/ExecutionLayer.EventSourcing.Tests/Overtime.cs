using ExecutionLayer.Store.Decisions;
using ExecutionLayer.EventSourcing.Types;

namespace ExecutionLayer.EventSourcing.Tests;

// A small aggregate in the domain's words, to exercise the store the way services will.
public abstract record OvertimeEvent;

public sealed record OvertimeRequested(Guid RequestId, string Site, decimal Amount, string RequestedBy, DateTimeOffset RequestedAt) : OvertimeEvent;

public sealed record OvertimeApproved(Guid RequestId, string ApprovedBy, DateTimeOffset ApprovedAt) : OvertimeEvent;

public sealed record OvertimeNoted(Guid RequestId, string Note) : OvertimeEvent;

public enum OvertimeStatus { None, Pending, Approved }

public sealed record Overtime(Guid Id, OvertimeStatus Status, decimal Amount, int Notes) : IAggregate<Overtime>
{
    public static string StreamType => "overtime";

    public static Overtime Initial { get; } = new(Guid.Empty, OvertimeStatus.None, 0, 0);

    public Overtime Evolve(object @event) => @event switch
    {
        OvertimeRequested e => this with { Id = e.RequestId, Status = OvertimeStatus.Pending, Amount = e.Amount },
        OvertimeApproved => this with { Status = OvertimeStatus.Approved },
        OvertimeNoted => this with { Notes = Notes + 1 },
        _ => this,
    };

    public static IReadOnlyList<object> Approve(Overtime state, string approver, DateTimeOffset now) => state.Status switch
    {
        OvertimeStatus.Pending => [new OvertimeApproved(state.Id, approver, now)],
        _ => throw new InvalidStateException($"Overtime {state.Id} is {state.Status}; only a pending request can be approved."),
    };

    public static EventTypeRegistry Register(EventTypeRegistry types) => types
        .Register<OvertimeRequested>("overtime.requested")
        .Register<OvertimeApproved>("overtime.approved")
        .Register<OvertimeNoted>("overtime.noted");
}
