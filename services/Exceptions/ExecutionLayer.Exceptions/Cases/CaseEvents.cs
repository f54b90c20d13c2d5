using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Cases;

public sealed partial record ExceptionCase
{
    /// <summary>Everything that can happen to an exception case: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <param name="TriggerKey">What the case is about, unique among open cases of its kind ("OH-DAYTON/CNC-4", a hold id).</param>
        public sealed record Opened(Guid CaseId, CaseKind Kind, string Site, string TriggerKey, string TriggerSubject, string Summary, DateTimeOffset OpenedAt) : Event;

        public sealed record ImpactAssessed(Guid CaseId, Impact Impact, Severity Severity, ImpactChange Change, DateTimeOffset AssessedAt) : Event;

        /// <summary>Carries the impact it was routed on, so each function's request states what it is acting on.</summary>
        public sealed record Routed(Guid CaseId, IReadOnlyList<RoutedFunction> Functions, Severity Severity, Impact Impact, DateTimeOffset RoutedAt) : Event;

        public sealed record HoldPropagated(
            Guid CaseId, string HoldId, string LotId, IReadOnlyList<string> Lots, IReadOnlyList<string> BlockedProductionOrders,
            IReadOnlyList<string> BlockedShipments, DateTimeOffset RaisedAt, DateTimeOffset PropagatedAt) : Event;

        /// <summary>The response needs a decision; <see cref="Context"/> is the impact it is asked on, frozen for every approver.</summary>
        /// <param name="Requester">Whose request it is (the signed caller, or the person a client acted for).</param>
        /// <param name="RequestedBy">The client that asked for the requester, when one did.</param>
        public sealed record ApprovalRequested(
            Guid CaseId, Guid RequestId, string SubjectType, string SubjectId, decimal? Amount, string? Currency, Severity Severity, string Requester,
            string Reason, string CaseSummary, Impact Context, DateTimeOffset RequestedAt, string? RequestedBy = null) : Event;

        public sealed record ActionLinked(Guid CaseId, Guid RequestId, Guid ActionId, string Function, DateTimeOffset LinkedAt) : Event;

        /// <summary>The owner started work on it (<see cref="StartedAt"/>: when, on the actions service's clock); the case's response time runs to the last of these.</summary>
        public sealed record ActionStarted(Guid CaseId, Guid RequestId, Guid ActionId, string StartedBy, DateTimeOffset StartedAt) : Event;

        public sealed record ActionClosed(Guid CaseId, Guid RequestId, Guid ActionId, ResponseStatus Outcome, string By, DateTimeOffset ClosedAt) : Event;

        public sealed record ApprovalDecided(Guid CaseId, Guid RequestId, Guid ApprovalId, ApprovalOutcome Outcome, string By, DateTimeOffset DecidedAt) : Event;

        /// <summary>The SLA ran out before the case was resolved: <see cref="NotifyRole"/> is the next rung of the site's ladder.</summary>
        public sealed record Escalated(Guid CaseId, int Level, string NotifyRole, Severity Severity, DateTimeOffset EscalatedAt) : Event;

        public sealed record Resolved(Guid CaseId, string Reason, DateTimeOffset ResolvedAt) : Event;

        /// <summary>A recommendation about this case was accepted: what a planning or AI system proposed, and who (or which rule) accepted it.</summary>
        public sealed record RecommendationLinked(Guid CaseId, Guid RecommendationId, string SourceSystem, string Summary, string AcceptedBy, DateTimeOffset LinkedAt) : Event;

        public sealed record Closed(Guid CaseId, DateTimeOffset ClosedAt) : Event;
    }
}
