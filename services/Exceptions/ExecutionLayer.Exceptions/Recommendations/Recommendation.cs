using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>
/// <see cref="Pending"/>: waiting for people. <see cref="Refused"/>: no approval policy could route it — nobody decided it, unlike
/// <see cref="Rejected"/>.
/// </summary>
public enum RecommendationStatus { None, Pending, Accepted, Rejected, Expired, Withdrawn, Refused }

/// <summary>Where one accepted action stands in the actions service.</summary>
public enum WorkStatus { Requested, Open, Started, Verified, Cancelled }

/// <summary>
/// What came of an accepted recommendation: its expected effect came true or did not; or it cannot be told (no KPI readings to
/// compare), or nothing was done (every action cancelled).
/// </summary>
public enum RecommendationOutcome { CameTrue, DidNotComeTrue, Unmeasured, NotExecuted }

/// <summary>A rule of the recommendation policy, at the version that auto-accepted (or would have).</summary>
public sealed record AppliedRule(ProposedActionKind Kind, long Version, decimal? AutoAcceptUpTo, decimal? MinConfidence);

/// <summary>One accepted action, as the actions service is asked to make it: its request id names the action item.</summary>
public sealed record AcceptedAction(Guid RequestId, int Index, ProposedAction Action, string Title, string Description, string Function, string OwnerRole);

/// <summary>
/// How it was decided: by whom (a person, or the policy with the <see cref="Rules"/> that accepted it), through which approval, why
/// not (a rejection's reason), in words.
/// </summary>
public sealed record RecommendationDecision(
    string By, Guid? ApprovalId, IReadOnlyList<AppliedRule> Rules, string? Why, string Outcome, DateTimeOffset At, IReadOnlyList<ActionAmendment>? Amendments = null)
{
    public bool Modified => Amendments is { Count: > 0 };
}

/// <summary>
/// An accepted action and what became of it; once verified, the expected KPI as the actions service judged it at the end of the
/// verification window: the reading before (<see cref="KpiBaseline"/>) and the best within it (<see cref="KpiBest"/>).
/// </summary>
public sealed record WorkItem(
    AcceptedAction Accepted, WorkStatus Status, Guid? ActionId, DateTimeOffset? StartedAt, DateTimeOffset? ClosedAt, DateTimeOffset? VerifiedAt = null,
    decimal? KpiBaseline = null, decimal? KpiBest = null, DateTimeOffset? AssessedAt = null);

/// <summary>The judgement of the expected effect: in words, and in the KPI's numbers when it was a KPI's change (expected, realised = value − baseline).</summary>
public sealed record RecommendationJudgement(
    RecommendationOutcome Outcome, string Basis, decimal? Expected, decimal? Realised, decimal? Baseline, decimal? Value, DateTimeOffset JudgedAt);

/// <summary>
/// A recommendation from a planning or AI system: who proposed it, what, expecting what, how sure; how it was decided (by a rule
/// of the recommendation policy or by people through an approval) and what was done about it. One stream per recommendation, so
/// the ledger answers for each: who or what proposed it, who or which rule accepted it, what was done.
/// </summary>
public sealed record Recommendation(
    Guid Id, RecommendationStatus Status, Recommendation.Event.Received? Proposal, Recommendation.Event.RoutedForApproval? Routing,
    RecommendationDecision? Decision, IReadOnlyList<WorkItem> Work, RecommendationJudgement? Judgement = null) : IAggregate<Recommendation, Recommendation.Event>
{
    /// <summary>Everything that can happen to a recommendation: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>
        /// Received from <see cref="ReceivedBy"/> (the signed client), on <see cref="Impact"/> (what its subjects touched then).
        /// <see cref="Digest"/> is of what was proposed, so the client's id posted again with other content is told apart.
        /// </summary>
        public sealed record Received(
            Guid RecommendationId, string ClientId, string Site, RecommendationSource Source, IReadOnlyList<ProposedAction> Actions, ExpectedEffect Effect,
            decimal Confidence, decimal Amount, string Currency, IReadOnlyList<RecommendationEvidence> Evidence, Guid? CaseId, Impact Impact, string Digest,
            DateTimeOffset ExpiresAt, string ReceivedBy, DateTimeOffset ReceivedAt) : Event;

        /// <summary>
        /// Sent for people's decision: why no rule accepted it, the approval subject type whose policy routes it, and what the
        /// approvers are asked on — the proposal in words, its evidence and what its subjects touched (as received), at a severity
        /// read from that impact.
        /// </summary>
        public sealed record RoutedForApproval(
            Guid RecommendationId, Guid RequestId, string SubjectType, IReadOnlyList<string> Why, IReadOnlyList<AppliedRule> Rules, string Requester,
            string Severity, IReadOnlyList<string> ProposedActions, RecommendationSource Source, decimal Confidence, string ExpectedEffect, IReadOnlyList<RecommendationEvidence> Evidence,
            Guid? CaseId, Impact Impact, decimal Amount, string Currency, DateTimeOffset ExpiresAt, DateTimeOffset RoutedAt,
            IReadOnlyList<ProposedAction>? Actions = null) : Event;

        /// <summary>
        /// Accepted: by the policy's <see cref="Rules"/> (each at its version; <see cref="AcceptedBy"/> is the policy), or by the
        /// person who decided the approval <see cref="ApprovalId"/> — as proposed, or with the approvers' <see cref="Amendments"/>
        /// (accepted modified). Each of <see cref="Work"/> — the actions as accepted — is to become an action item.
        /// </summary>
        public sealed record Accepted(
            Guid RecommendationId, string AcceptedBy, Guid? ApprovalId, IReadOnlyList<AppliedRule> Rules, RecommendationSource Source, ExpectedEffect Effect,
            IReadOnlyList<AcceptedAction> Work, DateTimeOffset AcceptedAt, IReadOnlyList<ActionAmendment>? Amendments = null) : Event;

        /// <summary>Rejected (with the approver's reason), expired, withdrawn, or refused because no policy could route it: nothing is done.</summary>
        public sealed record NotAccepted(Guid RecommendationId, RecommendationStatus Outcome, string By, string? Why, Guid? ApprovalId, DateTimeOffset At) : Event;

        public sealed record ActionLinked(Guid RecommendationId, Guid RequestId, Guid ActionId, DateTimeOffset LinkedAt) : Event;

        public sealed record ActionStarted(Guid RecommendationId, Guid RequestId, Guid ActionId, string StartedBy, DateTimeOffset StartedAt) : Event;

        /// <summary>The action was verified closed (<see cref="Verified"/>) or cancelled.</summary>
        public sealed record ActionClosed(Guid RecommendationId, Guid RequestId, Guid ActionId, bool Verified, string By, DateTimeOffset ClosedAt) : Event;

        /// <summary>The actions service judged a verified action by the expected KPI at the end of its verification window.</summary>
        public sealed record ActionAssessed(
            Guid RecommendationId, Guid RequestId, Guid ActionId, string Kpi, decimal? Baseline, decimal? Best, DateTimeOffset VerifiedAt, DateTimeOffset AssessedAt) : Event;

        /// <summary>What came of it, judged once: against the KPI when every action is closed and judged, or the promise at its date.</summary>
        public sealed record Judged(
            Guid RecommendationId, RecommendationOutcome Outcome, string Basis, decimal? Expected, decimal? Realised, decimal? Baseline, decimal? Value,
            DateTimeOffset JudgedAt) : Event;
    }

    public static string StreamType => "recommendation";

    public const string StreamPrefix = "recommendation-";

    /// <summary>Who accepts when a rule does: the policy, named with the rule versions in the event.</summary>
    public const string PolicyActor = "exceptions:recommendation-policy";

    public static Recommendation Initial { get; } = new(Guid.Empty, RecommendationStatus.None, null, null, null, []);

    public static string StreamId(Guid recommendationId) => StreamPrefix + recommendationId;

    public bool IsPending => Status == RecommendationStatus.Pending;

    public string Site => Proposal?.Site ?? "";

    public IReadOnlyList<ProposedAction> Actions => Proposal?.Actions ?? [];

    public Recommendation Apply(Event @event) => @event switch
    {
        Event.Received e => Initial with { Id = e.RecommendationId, Status = RecommendationStatus.Pending, Proposal = e },
        Event.RoutedForApproval e => this with { Routing = e },
        Event.Accepted e => this with
        {
            Status = RecommendationStatus.Accepted,
            Decision = new RecommendationDecision(e.AcceptedBy, e.ApprovalId, e.Rules, null,
                e.ApprovalId is null ? "accepted by the recommendation policy" : $"accepted{(e.Amendments is { Count: > 0 } ? " modified" : "")} by {e.AcceptedBy}",
                e.AcceptedAt, e.Amendments),
            Work = [.. e.Work.Select(w => new WorkItem(w, WorkStatus.Requested, null, null, null))],
        },
        Event.NotAccepted e => this with
        {
            Status = e.Outcome,
            Decision = new RecommendationDecision(e.By, e.ApprovalId, [], e.Why,
                $"{e.Outcome.ToString().ToLowerInvariant()} by {e.By}{(e.Why is null ? "" : $": {e.Why}")}", e.At),
        },
        Event.ActionLinked e => WithWork(e.RequestId, w => w with { ActionId = e.ActionId, Status = w.Status == WorkStatus.Requested ? WorkStatus.Open : w.Status }),
        Event.ActionStarted e => WithWork(e.RequestId, w => w with
        {
            ActionId = e.ActionId, Status = w.Status is WorkStatus.Verified or WorkStatus.Cancelled ? w.Status : WorkStatus.Started, StartedAt = w.StartedAt ?? e.StartedAt,
        }),
        Event.ActionClosed e => WithWork(e.RequestId, w => w with
        {
            ActionId = e.ActionId, Status = e.Verified ? WorkStatus.Verified : WorkStatus.Cancelled, ClosedAt = e.ClosedAt,
            VerifiedAt = e.Verified ? e.ClosedAt : null,
        }),
        Event.ActionAssessed e => WithWork(e.RequestId, w => w with { KpiBaseline = e.Baseline, KpiBest = e.Best, VerifiedAt = e.VerifiedAt, AssessedAt = e.AssessedAt }),
        Event.Judged e => this with { Judgement = new RecommendationJudgement(e.Outcome, e.Basis, e.Expected, e.Realised, e.Baseline, e.Value, e.JudgedAt) },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a recommendation event."), // unreachable: the hierarchy is closed
    };

    public WorkItem? WorkOf(Guid requestId) => Work.FirstOrDefault(w => w.Accepted.RequestId == requestId);

    /// <summary>Every accepted action verified or cancelled.</summary>
    public bool WorkDone => Work.Count > 0 && Work.All(w => w.Status is WorkStatus.Verified or WorkStatus.Cancelled);

    /// <summary>
    /// When it was executed: the first moment every accepted action not cancelled had started (failing a start, been verified);
    /// null until then, and when every one was cancelled.
    /// </summary>
    public DateTimeOffset? ExecutedAt
    {
        get
        {
            var done = Work.Where(w => w.Status != WorkStatus.Cancelled).ToArray();
            if (done.Length == 0 || done.Any(w => (w.StartedAt ?? w.VerifiedAt) is null)) return null;
            return done.Max(w => (w.StartedAt ?? w.VerifiedAt)!.Value);
        }
    }

    private Recommendation WithWork(Guid requestId, Func<WorkItem, WorkItem> change) =>
        this with { Work = [.. Work.Select(w => w.Accepted.RequestId == requestId ? change(w) : w)] };
}
