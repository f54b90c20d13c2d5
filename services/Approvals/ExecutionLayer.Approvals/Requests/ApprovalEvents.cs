using System.Text.Json;

namespace ExecutionLayer.Approvals.Requests;

public sealed partial record ApprovalRequest
{
    /// <summary>Everything that can happen to an approval request: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>
        /// The request, resolved to a policy version and a plan. <see cref="DecisionContext"/> is the data the
        /// decision relies on, frozen here so every approver — and later the auditor — sees exactly it.
        /// <see cref="Requester"/> is whose request it is; <see cref="RequestedBy"/> the client that sent it for
        /// them, when one did. Neither may approve it. <see cref="Reconfirm"/> is the policy version's drift rule, fixed with the
        /// plan; <see cref="LiveContextUrl"/> where the requester said the context now is read, for a request no case made.
        /// </summary>
        public sealed record Requested(
            Guid ApprovalId, Subject Subject, string Site, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
            string? CorrelationId, Guid? ExternalReference, JsonElement DecisionContext, string PolicyId, int PolicyVersion,
            IReadOnlyList<PlannedStage> Plan, DateTimeOffset ExpiresAt, IReadOnlyList<FollowUp> FollowUps, DateTimeOffset RequestedAt, string? RequestedBy = null,
            Policies.ReconfirmRule? Reconfirm = null, Uri? LiveContextUrl = null) : Event;

        /// <summary>A request no policy could route (none matches, or nobody holds the roles): refused on arrival, never left hanging.</summary>
        public sealed record Refused(
            Guid ApprovalId, Subject Subject, string Site, string Requester, string Reason, string? CorrelationId, Guid? ExternalReference,
            JsonElement DecisionContext, string Why, DateTimeOffset RefusedAt) : Event;

        public sealed record StageOpened(Guid ApprovalId, int Stage, string Name, IReadOnlyList<string> Approvers, int Required, DateTimeOffset DueAt, DateTimeOffset OpenedAt) : Event;

        /// <summary>An approver's delegate is asked too, and may decide in the approver's seat.</summary>
        public sealed record StageDelegated(Guid ApprovalId, int Stage, int Level, string From, string To, Guid DelegationId, DateTimeOffset DelegatedAt) : Event;

        /// <summary>One person was sent the request with their decision links.</summary>
        public sealed record ApproverNotified(Guid ApprovalId, int Stage, int Level, string Approver, string? OnBehalfOf, bool Escalation, DateTimeOffset NotifiedAt) : Event;

        /// <param name="Context">What the approver decided on: the requested and live contexts' digests and the drift (null on decisions recorded before it was kept).</param>
        /// <param name="Amendments">The changes an approver approved with (a request listing what may be changed); none when approved as asked.</param>
        public sealed record DecisionRecorded(
            Guid ApprovalId, int Stage, int Level, string DecidedBy, string? OnBehalfOf, Verdict Verdict, string? Comment, DecisionChannel Via, Guid? TokenId,
            DateTimeOffset DecidedAt, LiveContext.ContextSeen? Context = null, IReadOnlyList<Amendment>? Amendments = null) : Event;

        /// <summary>The stage ran out of time (<see cref="EscalationTrigger.Timer"/>) or someone pushed it up: reassigned to the next level.</summary>
        public sealed record StageEscalated(
            Guid ApprovalId, int Stage, int Level, EscalationTrigger Trigger, string? EscalatedBy, string To, IReadOnlyList<string> Approvers,
            DateTimeOffset DueAt, DateTimeOffset EscalatedAt) : Event;

        /// <summary>A stage reached its quorum or can no longer reach it. <see cref="OpenedAt"/> makes its latency readable from the event alone.</summary>
        public sealed record StageDecided(Guid ApprovalId, int Stage, Verdict Verdict, DateTimeOffset OpenedAt, DateTimeOffset DecidedAt) : Event;

        /// <param name="Amendments">Every approver's changes, merged in the order they were made: what was granted, where it differs from what was asked.</param>
        public sealed record Granted(
            Guid ApprovalId, Subject Subject, string Site, string PolicyId, int PolicyVersion, string DecidedBy, Guid? ExternalReference,
            IReadOnlyList<FollowUp> FollowUps, DateTimeOffset GrantedAt, IReadOnlyList<Amendment>? Amendments = null) : Event;

        public sealed record Rejected(
            Guid ApprovalId, Subject Subject, string Site, string PolicyId, int PolicyVersion, string DecidedBy, string? Comment, Guid? ExternalReference,
            DateTimeOffset RejectedAt) : Event;

        public sealed record Expired(Guid ApprovalId, Subject Subject, string Site, Guid? ExternalReference, DateTimeOffset ExpiredAt) : Event;

        public sealed record Withdrawn(Guid ApprovalId, Subject Subject, string Site, string WithdrawnBy, string Reason, Guid? ExternalReference, DateTimeOffset WithdrawnAt) : Event;
    }
}
