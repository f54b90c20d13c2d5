using ExecutionLayer.Exceptions.Governing;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Changes;

public enum ChangeStatus { None, Pending, Granted, Applied, Rejected, Expired, Withdrawn, Refused }

/// <summary>
/// A request to change a governed field: who asked, from which value to which and why, the decision it needed (none when the
/// field's policy lets a change that small through), and whether the ERP has applied it.
/// </summary>
public sealed record ChangeRequest(
    Guid Id, ChangeStatus Status, string Site, string Entity, string EntityId, string Field, string From, string To, decimal? Size, string Reason,
    string Requester, string? RequestedBy, string? SubjectType, Guid? ApprovalRequestId, Guid? ApprovalId, string? DecidedBy, string? Outcome,
    DateTimeOffset RequestedAt) : IAggregate<ChangeRequest, ChangeRequest.Event>
{
    /// <summary>Everything that can happen to a change request: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>
        /// Asked for, on <see cref="Impact"/> (what the entity touched then). <see cref="SubjectType"/> and <see cref="ApprovalRequestId"/>
        /// are set when it needs a decision; a change the policy lets through is granted with it.
        /// </summary>
        public sealed record Requested(
            Guid ChangeId, string Site, string Entity, string EntityId, string Field, string From, string To, decimal? Size, string? SizeUnit,
            string Reason, string Requester, string? RequestedBy, string? SubjectType, Guid? ApprovalRequestId, Impact Impact, DateTimeOffset RequestedAt) : Event;

        /// <summary>Granted: the change as it was asked for, so what the ERP is told to apply is read from this event alone.</summary>
        /// <param name="ApprovalId">The approval request that granted it; null when the policy let it through.</param>
        public sealed record Granted(
            Guid ChangeId, string Site, string Entity, string EntityId, string Field, string From, string To, string Reason, string Requester,
            string ApprovedBy, Guid? ApprovalId, DateTimeOffset GrantedAt) : Event;

        /// <summary>Rejected, expired, withdrawn, or refused (no policy could route it): the value stays as it was.</summary>
        public sealed record NotGranted(Guid ChangeId, ChangeStatus Outcome, string By, string? Why, Guid? ApprovalId, DateTimeOffset At) : Event;

        /// <summary>The ERP reported the granted value (in <see cref="IntakeEventId"/>; null when it already did when the change was granted).</summary>
        public sealed record Applied(Guid ChangeId, Guid? IntakeEventId, DateTimeOffset AppliedAt) : Event;
    }

    public static string StreamType => "change-request";

    public const string StreamPrefix = "change-";

    public static ChangeRequest Initial { get; } = new(Guid.Empty, ChangeStatus.None, "", "", "", "", "", "", null, "", "", null, null, null, null, null, null, default);

    public static string StreamId(Guid changeId) => StreamPrefix + changeId;

    public string FieldKey => $"{Entity}.{Field}";

    public ChangeRequest Apply(Event @event) => @event switch
    {
        Event.Requested e => new ChangeRequest(e.ChangeId, ChangeStatus.Pending, e.Site, e.Entity, e.EntityId, e.Field, e.From, e.To, e.Size, e.Reason,
            e.Requester, e.RequestedBy, e.SubjectType, e.ApprovalRequestId, null, null, null, e.RequestedAt),
        Event.Granted e => this with { Status = ChangeStatus.Granted, ApprovalId = e.ApprovalId, DecidedBy = e.ApprovedBy, Outcome = $"granted by {e.ApprovedBy}" },
        Event.NotGranted e => this with
        {
            Status = e.Outcome, ApprovalId = e.ApprovalId ?? ApprovalId, DecidedBy = e.By,
            Outcome = $"{e.Outcome.ToString().ToLowerInvariant()} by {e.By}{(e.Why is null ? "" : $": {e.Why}")}",
        },
        Event.Applied => this with { Status = ChangeStatus.Applied },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a change request event."), // unreachable: the hierarchy is closed
    };
}

/// <param name="Requester">Whose change it is: the signed caller, or the person a client acts for.</param>
public sealed record RequestChange(
    Guid ChangeId, string Site, GovernableField Field, string EntityId, string From, string To, string Reason, string Requester, string? RequestedBy)
{
    /// <summary>A caller's request id always names the same change, so asking twice finds the first.</summary>
    public static Guid IdFor(Guid requestId) => DeterministicId.From($"change|{requestId}");
}

/// <summary>The world as read at the edge for a change: how the field is governed there, where it stands, what else is pending on it, what it touches.</summary>
public sealed record ChangeSituation(GovernedFieldEntry? Governance, GovernedValue? Current, Guid? PendingChange, Impact Impact, DateTimeOffset Now);

/// <summary>The rules of a change request, as pure functions from its state and a command to the events that follow.</summary>
public static class ChangeDecisions
{
    /// <summary>The policy lets it through: a governed field's own decision, not a person's.</summary>
    public const string FieldPolicy = "exceptions:field-policy";

    public static IReadOnlyList<ChangeRequest.Event> Request(ChangeRequest state, RequestChange c, ChangeSituation world)
    {
        if (state.Status != ChangeStatus.None)
            return state.FieldKey == c.Field.Key && state.EntityId == c.EntityId && state.To == c.To && state.Requester == c.Requester ? []
                : throw new InvalidStateException($"Request id for change {c.ChangeId} is already used for another change.");
        if (world.Governance is not { } governance)
            throw new RuleViolationException("not-governed", $"{c.Field.Key} is not governed at {c.Site}: change it where it is kept, or govern it with PUT /governed-fields/{c.Site}/{c.Field.Entity}/{c.Field.Field}.");
        if (world.Current is not { } current)
            throw new NotFoundException($"No {c.Field.Entity} {c.EntityId} has been reported at {c.Site}.");
        if (current.Site != c.Site) throw new NotFoundException($"No {c.Field.Entity} {c.EntityId} has been reported at {c.Site}.");
        if (current.Governed != c.From)
            throw new InvalidStateException($"{c.Field.Key} of {c.EntityId} is {current.Governed} now, not {c.From}: read it again and ask from there.", "stale-from",
                new Dictionary<string, object?> { ["current"] = current.Governed });
        if (c.To == c.From) throw new RuleViolationException("no-change", $"{c.Field.Key} of {c.EntityId} is already {c.To}.");
        if (world.PendingChange is { } pending)
            throw new InvalidStateException($"Change {pending} to {c.Field.Key} of {c.EntityId} is still waiting for its decision.", "change-pending",
                new Dictionary<string, object?> { ["pendingChange"] = pending });

        var size = c.Field.SizeOf(c.From, c.To);
        var free = governance.FreeUpTo is { } limit && size is >= 0 && size <= limit;
        var requested = new ChangeRequest.Event.Requested(c.ChangeId, c.Site, c.Field.Entity, c.EntityId, c.Field.Field, c.From, c.To, size, c.Field.SizeUnit,
            c.Reason, c.Requester, c.RequestedBy, free ? null : governance.SubjectType, free ? null : DeterministicId.From($"change-approval|{c.ChangeId}"),
            world.Impact, world.Now);
        return free ? [requested, Granted(ChangeRequest.Initial.Apply(requested), FieldPolicy, null, world.Now)] : [requested];
    }

    /// <summary>The approval's outcome; a second message about a decided change changes nothing.</summary>
    public static IReadOnlyList<ChangeRequest.Event> Decided(ChangeRequest state, ChangeStatus outcome, Guid approvalId, string by, string? why, DateTimeOffset now) =>
        state.Status != ChangeStatus.Pending ? []
        : outcome == ChangeStatus.Granted ? [Granted(state, by, approvalId, now)]
        : [new ChangeRequest.Event.NotGranted(state.Id, outcome, by, why, approvalId, now)];

    private static ChangeRequest.Event.Granted Granted(ChangeRequest state, string by, Guid? approvalId, DateTimeOffset now) =>
        new(state.Id, state.Site, state.Entity, state.EntityId, state.Field, state.From, state.To, state.Reason, state.Requester, by, approvalId, now);

    /// <summary>The ERP reported the value granted: done.</summary>
    public static IReadOnlyList<ChangeRequest.Event> Applied(ChangeRequest state, Guid? intakeEventId, DateTimeOffset now) =>
        state.Status == ChangeStatus.Granted ? [new ChangeRequest.Event.Applied(state.Id, intakeEventId, now)] : [];
}
