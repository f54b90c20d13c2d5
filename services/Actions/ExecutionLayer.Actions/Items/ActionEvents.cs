namespace ExecutionLayer.Actions.Items;

public sealed partial record ActionItem
{
    /// <summary>Everything that can happen to an action item: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <param name="SourceReference">What the source knows the action by: a review id, an exception's action request id, an approval id, or a person's own note.</param>
        /// <param name="VerificationWindowDays">How long after verified closure the linked KPIs have to move in their good direction.</param>
        public sealed record Created(
            Guid ActionId, string Title, string? Description, string Owner, DateTimeOffset Due, Priority Priority, string Site, string? Department,
            SourceKind SourceKind, string SourceReference, IReadOnlyList<string> Kpis, Perspective? Perspective, IReadOnlyList<string> RootCauseTags,
            EvidenceKind RequiredEvidence, string VerifierRole, int VerificationWindowDays, string? CorrelationId, string CreatedBy, DateTimeOffset CreatedAt,
            IReadOnlyList<string>? Objectives = null) : Event;

        /// <summary>The new action works on a KPI and root cause an action closed recently was meant to have fixed.</summary>
        public sealed record RepeatFlagged(Guid ActionId, Guid RepeatOf, IReadOnlyList<string> SharedKpis, IReadOnlyList<string> SharedTags, DateTimeOffset FlaggedAt) : Event;

        /// <summary>Recorded on the earlier action: its closure did not hold, the same issue came back.</summary>
        public sealed record ClosureMarkedIneffective(Guid ActionId, Guid RepeatedBy, DateTimeOffset MarkedAt) : Event;

        public sealed record Assigned(Guid ActionId, string Owner, string PreviousOwner, string AssignedBy, DateTimeOffset AssignedAt) : Event;

        /// <remarks>
        /// Source and reference repeated from the creation, as on <see cref="ClosureVerified"/>, so the source learns of the start without a
        /// lookup; a start stored before they were (null reference) is published to no one.
        /// </remarks>
        public sealed record Started(Guid ActionId, SourceKind SourceKind, string SourceReference, string StartedBy, DateTimeOffset StartedAt) : Event;

        public sealed record Blocked(Guid ActionId, string Reason, string BlockedBy, DateTimeOffset BlockedAt) : Event;

        public sealed record ProgressNoted(Guid ActionId, string Note, int? PercentComplete, string NotedBy, DateTimeOffset NotedAt) : Event;

        public sealed record DueDateChanged(Guid ActionId, DateTimeOffset PreviousDue, DateTimeOffset Due, string Reason, string ChangedBy, DateTimeOffset ChangedAt) : Event;

        public sealed record CompletionClaimed(Guid ActionId, Evidence Evidence, string ClaimedBy, DateTimeOffset ClaimedAt) : Event;

        /// <remarks>Source and reference are repeated from the creation so the published message can carry them to the source without a lookup.</remarks>
        public sealed record ClosureVerified(Guid ActionId, SourceKind SourceKind, string SourceReference, string VerifiedBy, DateTimeOffset VerifiedAt) : Event;

        public sealed record ClaimRejected(Guid ActionId, string Reason, string RejectedBy, DateTimeOffset RejectedAt) : Event;

        public sealed record Cancelled(Guid ActionId, SourceKind SourceKind, string SourceReference, string Reason, string CancelledBy, DateTimeOffset CancelledAt) : Event;

        public sealed record Reopened(Guid ActionId, string Reason, string ReopenedBy, DateTimeOffset ReopenedAt) : Event;

        /// <summary>One rung of the site's overdue ladder (owner, manager, site leader) was told; <see cref="Level"/> counts from 0.</summary>
        public sealed record OverdueEscalated(Guid ActionId, int Level, string Rung, IReadOnlyList<string> Notify, DateTimeOffset Due, DateTimeOffset EscalatedAt) : Event;

        /// <summary>
        /// The verification window ended: whether each linked KPI moved in its good direction. Not all moved = closed without KPI movement.
        /// The source travels with it (absent in assessments recorded before it did), so what the action came from can judge itself by it.
        /// </summary>
        public sealed record ClosureQualityAssessed(
            Guid ActionId, IReadOnlyList<KpiMovement> Movements, bool MovedAll, DateTimeOffset WindowEnd, DateTimeOffset AssessedAt,
            SourceKind? SourceKind = null, string? SourceReference = null, DateTimeOffset? VerifiedAt = null) : Event;
    }
}
