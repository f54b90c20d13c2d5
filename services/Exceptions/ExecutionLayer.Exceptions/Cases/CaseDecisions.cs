using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>Pure decisions over an exception case: time and ids come in, events come out.</summary>
public static class CaseDecisions
{
    public static IReadOnlyList<ExceptionCase.Event> Open(ExceptionCase state, Guid caseId, CaseKind kind, string site, string triggerKey, string subject, string summary, DateTimeOffset now) =>
        state.Status == CaseStatus.None
            ? [new ExceptionCase.Event.Opened(caseId, kind, site, triggerKey, subject, summary, now)]
            : throw new InvalidStateException($"Case {state.Id} is already open.");

    /// <summary>Records a (re-)assessment only when the picture changed, with what changed.</summary>
    public static IReadOnlyList<ExceptionCase.Event> Assess(ExceptionCase state, Impact impact, DateTimeOffset now)
    {
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be re-assessed.");
        if (state.Status != CaseStatus.Open && impact.IsSameAs(state.Impact)) return [];
        return [new ExceptionCase.Event.ImpactAssessed(state.Id, impact, SeverityOf(state.Kind, impact, now), impact.ChangeFrom(state.Impact), now)];
    }

    /// <summary>
    /// Routes to every function the table names that is not already acting on the case, and asks for
    /// every decision the table says a response at this severity needs (each once per case).
    /// </summary>
    public static IReadOnlyList<ExceptionCase.Event> Route(ExceptionCase state, RoutingTable routing, DateTimeOffset now)
    {
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be routed.");
        var functions = routing.FunctionsFor(state.Site, state.Kind, state.Severity)
            .Where(f => state.RoutedTo.All(r => r.Function != f.Function)).ToArray();
        var decided = new List<ExceptionCase.Event>();
        if (functions.Length > 0) decided.Add(new ExceptionCase.Event.Routed(state.Id, functions, state.Severity, state.Impact, now));
        foreach (var rule in routing.ApprovalsFor(state.Site, state.Kind, state.Severity))
        {
            var requestId = DeterministicId.From($"approval-request|{state.Id}|{rule.SubjectType}");
            if (state.Approvals.All(a => a.RequestId != requestId))
                decided.Add(new ExceptionCase.Event.ApprovalRequested(state.Id, requestId, rule.SubjectType, state.TriggerKey, null, null, state.Severity, "exceptions:routing", rule.Reason,
                    state.Summary, state.Impact, now));
        }
        return decided;
    }

    /// <summary>Routes to the functions named (a governed field's owner), those not already acting on the case.</summary>
    public static IReadOnlyList<ExceptionCase.Event> RouteTo(ExceptionCase state, IReadOnlyList<RoutedFunction> functions, DateTimeOffset now)
    {
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be routed.");
        var fresh = functions.Where(f => state.RoutedTo.All(r => r.Function != f.Function)).ToArray();
        return fresh.Length > 0 ? [new ExceptionCase.Event.Routed(state.Id, fresh, state.Severity, state.Impact, now)] : [];
    }

    public static IReadOnlyList<ExceptionCase.Event> RecordHold(ExceptionCase state, string holdId, string lotId, IReadOnlyList<string> lots,
        IReadOnlyList<string> blockedOrders, IReadOnlyList<string> blockedShipments, DateTimeOffset raisedAt, DateTimeOffset now) =>
        state.Kind == CaseKind.QualityHold && state.IsOpen
            ? [new ExceptionCase.Event.HoldPropagated(state.Id, holdId, lotId, lots, blockedOrders, blockedShipments, raisedAt, now)]
            : throw new InvalidStateException($"Case {state.Id} is not an open quality-hold case.");

    /// <summary>The deviation cleared. Closing follows at once when the response is already complete.</summary>
    public static IReadOnlyList<ExceptionCase.Event> Resolve(ExceptionCase state, string reason, DateTimeOffset now)
    {
        if (!state.IsOpen) return []; // a second "all clear" for a resolved case changes nothing
        return state.ResponseComplete ? [new ExceptionCase.Event.Resolved(state.Id, reason, now), new ExceptionCase.Event.Closed(state.Id, now)] : [new ExceptionCase.Event.Resolved(state.Id, reason, now)];
    }

    /// <summary>
    /// A function asks for a decision its response needs. The case's current impact goes with it as the
    /// decision context; the same request id twice is the same request (a retried call adds nothing).
    /// </summary>
    public static IReadOnlyList<ExceptionCase.Event> RequestApproval(
        ExceptionCase state, Guid requestId, string subjectType, string subjectId, decimal? amount, string? currency, string requester, string? requestedBy,
        string reason, DateTimeOffset now)
    {
        if (state.Status == CaseStatus.None) throw new InvalidStateException("There is no such case.");
        if (state.Approvals.Any(a => a.RequestId == requestId)) return [];
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; its response needs no more approvals.");
        if (state.Approvals.Any(a => a.SubjectType == subjectType && a.SubjectId == subjectId && a.Outcome == ApprovalOutcome.Pending))
            throw new InvalidStateException($"An approval for {subjectType}/{subjectId} is already pending on case {state.Id}.");
        if (amount is < 0) throw new RuleViolationException("approval-amount", "An approval amount cannot be negative.");
        if (amount is not null && string.IsNullOrWhiteSpace(currency)) throw new RuleViolationException("approval-currency", "An amount needs its currency.");
        return [new ExceptionCase.Event.ApprovalRequested(state.Id, requestId, subjectType, subjectId, amount, currency, state.Severity, requester, reason, state.Summary, state.Impact, now,
            requestedBy)];
    }

    /// <summary>The actions service created the action a routed function was asked for.</summary>
    public static IReadOnlyList<ExceptionCase.Event> LinkAction(ExceptionCase state, Guid requestId, Guid actionId, DateTimeOffset now) =>
        state.Actions.FirstOrDefault(a => a.RequestId == requestId) is { Status: ResponseStatus.Requested } action
            ? [new ExceptionCase.Event.ActionLinked(state.Id, requestId, actionId, action.Function, now)]
            : [];

    /// <summary>
    /// The owner of an action the case asked for started it. Only the first start counts (a restart after a block is not a response);
    /// a start of a cancelled action, or one reported before the case knew of the action, is still a start of that request.
    /// </summary>
    public static IReadOnlyList<ExceptionCase.Event> StartAction(ExceptionCase state, Guid requestId, Guid actionId, string by, DateTimeOffset startedAt) =>
        state.Actions.FirstOrDefault(a => a.RequestId == requestId) is { StartedAt: null, Status: not ResponseStatus.Cancelled }
            ? [new ExceptionCase.Event.ActionStarted(state.Id, requestId, actionId, by, startedAt)]
            : [];

    /// <summary>
    /// A recommendation about the case was accepted; a closed case still records it (the work it brings is the recommendation's). No
    /// case, nothing: the recommendation named one that existed when it arrived, and cases are never removed.
    /// </summary>
    public static IReadOnlyList<ExceptionCase.Event> LinkRecommendation(
        ExceptionCase state, Guid recommendationId, string sourceSystem, string summary, string acceptedBy, DateTimeOffset now) =>
        state.Status == CaseStatus.None ? []
        : [new ExceptionCase.Event.RecommendationLinked(state.Id, recommendationId, sourceSystem, summary, acceptedBy, now)];

    /// <summary>An action was verified or cancelled; the last one to finish on a resolved case closes it.</summary>
    public static IReadOnlyList<ExceptionCase.Event> CloseAction(ExceptionCase state, Guid requestId, Guid actionId, ResponseStatus outcome, string by, DateTimeOffset now)
    {
        var action = state.Actions.FirstOrDefault(a => a.RequestId == requestId);
        if (action is null || action.Status is ResponseStatus.Verified or ResponseStatus.Cancelled) return [];
        return CloseIfDone(state, new ExceptionCase.Event.ActionClosed(state.Id, requestId, actionId, outcome, by, now), now);
    }

    public static IReadOnlyList<ExceptionCase.Event> RecordApprovalOutcome(ExceptionCase state, Guid requestId, Guid approvalId, ApprovalOutcome outcome, string by, DateTimeOffset now)
    {
        var approval = state.Approvals.FirstOrDefault(a => a.RequestId == requestId);
        if (approval is null || approval.Outcome != ApprovalOutcome.Pending || outcome == ApprovalOutcome.Pending) return [];
        return CloseIfDone(state, new ExceptionCase.Event.ApprovalDecided(state.Id, requestId, approvalId, outcome, by, now), now);
    }

    /// <summary>
    /// The SLA ran out: escalate one rung up the ladder. A case already resolved, or a timer for a rung
    /// already passed (fired twice), changes nothing.
    /// </summary>
    public static IReadOnlyList<ExceptionCase.Event> Escalate(ExceptionCase state, int level, IReadOnlyList<string> ladder, DateTimeOffset now)
    {
        if (!state.IsOpen || level != state.EscalationLevel + 1 || level > ladder.Count) return [];
        return [new ExceptionCase.Event.Escalated(state.Id, level, ladder[level - 1], state.Severity, now)];
    }

    private static IReadOnlyList<ExceptionCase.Event> CloseIfDone(ExceptionCase state, ExceptionCase.Event noted, DateTimeOffset now)
    {
        var after = state.Apply(noted);
        return after.Status == CaseStatus.Resolved && after.ResponseComplete ? [noted, new ExceptionCase.Event.Closed(state.Id, now)] : [noted];
    }

    /// <summary>
    /// Customer exposure decides: a commitment due within two days or ≥ 100k at risk is critical, any
    /// customer commitment high, production-only medium, nothing touched low.
    /// </summary>
    public static Severity SeverityOf(CaseKind kind, Impact impact, DateTimeOffset now)
    {
        if (impact.Commitments.Any(c => c.PromiseDate - now <= TimeSpan.FromDays(2)) || impact.ValueAtRisk >= 100_000m) return Severity.Critical;
        if (impact.Commitments.Count > 0) return Severity.High;
        if (impact.ProductionOrders.Count > 0 || impact.Shipments.Count > 0 || kind == CaseKind.QualityHold) return Severity.Medium;
        return Severity.Low;
    }
}
