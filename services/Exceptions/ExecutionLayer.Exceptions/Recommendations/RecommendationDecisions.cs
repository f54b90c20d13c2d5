using System.Globalization;
using System.Text.Json;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <param name="ReceivedBy">The signed client that sent it (the planning tool's or copilot's key).</param>
public sealed record ReceiveRecommendation(
    Guid RecommendationId, string ClientId, string Site, RecommendationSource Source, IReadOnlyList<ProposedAction> Actions, ExpectedEffect Effect,
    decimal Confidence, string Currency, IReadOnlyList<RecommendationEvidence> Evidence, Guid? CaseId, DateTimeOffset ExpiresAt, string ReceivedBy)
{
    /// <summary>A client's own id always names the same recommendation of that client, so posting it twice finds the first.</summary>
    public static Guid IdFor(string client, string clientId) => DeterministicId.From($"recommendation|{client}|{clientId}");

    public decimal Amount => Actions.Sum(a => a.CostOrZero);

    /// <summary>Of what was proposed, not of when: the same recommendation posted again has the same digest.</summary>
    public string Digest => DeterministicId.From(JsonSerializer.Serialize(new
    {
        Site, Source, Actions, Effect, Confidence, Currency, Evidence, CaseId, ExpiresAt = ExpiresAt.ToUnixTimeSeconds(),
    })).ToString("N");
}

/// <summary>
/// The rule of a site's recommendation policy for one kind of action: accepted without a person when the kind's cost in a
/// recommendation is at most <see cref="AutoAcceptUpTo"/> (none: never) and its confidence at least <see cref="MinConfidence"/>;
/// otherwise decided under the approval policy for <see cref="SubjectType"/>.
/// </summary>
public sealed record RecommendationRule(string Site, ProposedActionKind Kind, decimal? AutoAcceptUpTo, decimal? MinConfidence, string SubjectType, long Version)
{
    public static string DefaultSubjectType(ProposedActionKind kind) => $"recommendation.{ProposedAction.Slugs[kind]}";

    public AppliedRule Applied => new(Kind, Version, AutoAcceptUpTo, MinConfidence);
}

/// <summary>A sales order's promise and its shipments, each with when it was dispatched (null: not yet), as the graph holds them.</summary>
public sealed record PromiseKept(string SalesOrderId, DateTimeOffset PromiseDate, IReadOnlyList<(string ShipmentId, DateTimeOffset? DispatchedAt)> Shipments);

/// <summary>The world as read at the edge: the site's rules by kind, what the subjects touch, who owns each function's work, and the time.</summary>
public sealed record RecommendationSituation(
    IReadOnlyDictionary<ProposedActionKind, RecommendationRule> Rules, Impact Impact, Func<string, string> OwnerRoleOf, DateTimeOffset Now);

/// <summary>The rules of a recommendation, as pure functions from its state and a command to the events that follow.</summary>
public static class RecommendationDecisions
{
    public static IReadOnlyList<Recommendation.Event> Receive(Recommendation state, ReceiveRecommendation c, RecommendationSituation world)
    {
        if (state.Status != RecommendationStatus.None)
            return state.Proposal?.Digest == c.Digest ? []
                : throw new InvalidStateException($"Recommendation '{c.ClientId}' was received before with other content; give a new id for a new recommendation.",
                    "id-reused", new Dictionary<string, object?> { ["recommendationId"] = state.Id });
        if (c.ExpiresAt <= world.Now) throw new RuleViolationException("expired", $"It expired at {c.ExpiresAt:O}, before it arrived.");

        var received = new Recommendation.Event.Received(c.RecommendationId, c.ClientId, c.Site, c.Source, c.Actions, c.Effect, c.Confidence, c.Amount,
            c.Currency, c.Evidence, c.CaseId, world.Impact, c.Digest, c.ExpiresAt, c.ReceivedBy, world.Now);
        var (why, rules) = WhyNotByRule(c, world.Rules);
        if (why.Count == 0)
            return [received, Accepted(received, Recommendation.PolicyActor, null, rules, world.OwnerRoleOf, world.Now)];

        // One decision for the whole recommendation, under the policy for what is most at stake in it.
        var costliest = c.Actions.OrderByDescending(a => a.CostOrZero).First().Kind;
        var subjectType = world.Rules.TryGetValue(costliest, out var rule) ? rule.SubjectType : RecommendationRule.DefaultSubjectType(costliest);
        var severity = CaseDecisions.SeverityOf(CaseKind.PromiseAtRisk, world.Impact, world.Now).ToString();
        return [received, new Recommendation.Event.RoutedForApproval(c.RecommendationId, ApprovalRequestIdFor(c.RecommendationId), subjectType, why, rules,
            c.ReceivedBy, severity, [.. c.Actions.Select(a => a.Title)], c.Source, c.Confidence, c.Effect.Describe(), c.Evidence, c.CaseId,
            world.Impact, c.Amount, c.Currency, c.ExpiresAt, world.Now, c.Actions)];
    }

    /// <summary>The approval request a recommendation asks with: one per recommendation, so a redelivery opens no second.</summary>
    public static Guid ApprovalRequestIdFor(Guid recommendationId) => DeterministicId.From($"recommendation-approval|{recommendationId}");

    /// <summary>
    /// Why the policy does not accept it by itself — for every kind it proposes: no rule, a rule that accepts nothing alone, a cost
    /// above the rule's limit, a confidence below its floor — and the rules it was weighed against. Nothing said: every kind's rule accepts it.
    /// </summary>
    public static (IReadOnlyList<string> Why, IReadOnlyList<AppliedRule> Rules) WhyNotByRule(ReceiveRecommendation c, IReadOnlyDictionary<ProposedActionKind, RecommendationRule> rules)
    {
        var why = new List<string>();
        var applied = new List<AppliedRule>();
        foreach (var kind in c.Actions.Select(a => a.Kind).Distinct().Order())
        {
            var slug = ProposedAction.Slugs[kind];
            if (!rules.TryGetValue(kind, out var rule))
            {
                why.Add($"{slug}: no rule of the recommendation policy at {c.Site}.");
                continue;
            }
            applied.Add(rule.Applied);
            var cost = c.Actions.Where(a => a.Kind == kind).Sum(a => a.CostOrZero);
            if (rule.AutoAcceptUpTo is not { } limit) why.Add($"{slug}: the rule (v{rule.Version}) accepts nothing without a person.");
            else if (cost > limit) why.Add(Say($"{slug}: {cost:0.##} {c.Currency} is above the {limit:0.##} the rule (v{rule.Version}) accepts."));
            if (rule.MinConfidence is { } floor && c.Confidence < floor)
                why.Add(Say($"{slug}: confidence {c.Confidence:0.###} is below the {floor:0.###} the rule (v{rule.Version}) asks."));
        }
        return (why, applied);
    }

    /// <summary>
    /// People decided (or routing could not): accepted — as proposed, or modified by the approvers' amendments (an action left out
    /// is not done; one changed is done as changed) — with the actions to make; or not, with why. A second answer changes nothing.
    /// </summary>
    public static IReadOnlyList<Recommendation.Event> Decided(
        Recommendation state, RecommendationStatus outcome, Guid approvalId, string by, string? why, Func<string, string> ownerRoleOf, DateTimeOffset now,
        IReadOnlyList<ActionAmendment>? amendments = null) =>
        !state.IsPending ? []
        : outcome == RecommendationStatus.Accepted
            ? [Accepted(state.Proposal!, by, approvalId, [], ownerRoleOf, now, amendments is { Count: > 0 } ? amendments : null)]
            : [new Recommendation.Event.NotAccepted(state.Id, outcome, by, why, approvalId, now)];

    public static IReadOnlyList<Recommendation.Event> LinkAction(Recommendation state, Guid requestId, Guid actionId, DateTimeOffset now) =>
        state.WorkOf(requestId) is { ActionId: null } ? [new Recommendation.Event.ActionLinked(state.Id, requestId, actionId, now)] : [];

    /// <summary>
    /// The first start is what execution is timed to; a start after a block changes nothing here. Messages may be taken out of
    /// order: a start heard after the verification (or cancellation) is still when the action started.
    /// </summary>
    public static IReadOnlyList<Recommendation.Event> StartAction(Recommendation state, Guid requestId, Guid actionId, string by, DateTimeOffset at) =>
        state.WorkOf(requestId) is { StartedAt: null } ? [new Recommendation.Event.ActionStarted(state.Id, requestId, actionId, by, at)] : [];

    /// <summary>Closed; the last to close judges a KPI recommendation whose verified actions are all judged already, and one whose every action was cancelled.</summary>
    public static IReadOnlyList<Recommendation.Event> CloseAction(Recommendation state, Guid requestId, Guid actionId, bool verified, string by, DateTimeOffset at)
    {
        if (state.WorkOf(requestId) is not { Status: not (WorkStatus.Verified or WorkStatus.Cancelled) }) return [];
        var closed = new Recommendation.Event.ActionClosed(state.Id, requestId, actionId, verified, by, at);
        return [closed, .. JudgedIfDone(state.Apply(closed), at)];
    }

    /// <summary>
    /// The actions service judged a verified action by the expected KPI at the end of its window; the last one judged judges the
    /// recommendation. Judgements of other KPIs linked to the action, or of an action not verified here, change nothing.
    /// </summary>
    public static IReadOnlyList<Recommendation.Event> AssessAction(
        Recommendation state, Guid requestId, Guid actionId, string kpi, decimal? baseline, decimal? best, DateTimeOffset verifiedAt, DateTimeOffset now)
    {
        if (state.WorkOf(requestId) is not { AssessedAt: null } || !string.Equals(kpi, state.Proposal?.Effect.Kpi, StringComparison.OrdinalIgnoreCase)) return [];
        var assessed = new Recommendation.Event.ActionAssessed(state.Id, requestId, actionId, kpi, baseline, best, verifiedAt, now);
        return [assessed, .. JudgedIfDone(state.Apply(assessed), now)];
    }

    /// <summary>
    /// A promise is judged at its date (and the intake's allowance after it): kept when the sales order has shipments and every one
    /// was dispatched by the promise date. Judged once; a recommendation whose every action was cancelled was judged not executed.
    /// </summary>
    public static IReadOnlyList<Recommendation.Event> JudgePromise(Recommendation state, PromiseKept promise, DateTimeOffset now)
    {
        if (state.Status != RecommendationStatus.Accepted || state.Judgement is not null || state.Proposal?.Effect.SalesOrderId is not { } salesOrder) return [];
        var late = promise.Shipments.Where(s => s.DispatchedAt is not { } at || at > promise.PromiseDate).Select(s => s.ShipmentId).ToArray();
        var kept = promise.Shipments.Count > 0 && late.Length == 0;
        var basis = promise.Shipments.Count == 0 ? $"Sales order {salesOrder} had no shipment by its promise date {promise.PromiseDate:O}."
            : kept ? $"Every shipment of sales order {salesOrder} ({string.Join(", ", promise.Shipments.Select(s => s.ShipmentId))}) was dispatched by its promise date {promise.PromiseDate:O}."
            : $"Not dispatched by the promise date {promise.PromiseDate:O}: {string.Join(", ", late)}.";
        return [new Recommendation.Event.Judged(state.Id, kept ? RecommendationOutcome.CameTrue : RecommendationOutcome.DidNotComeTrue, basis, null, null, null, null, now)];
    }

    /// <summary>
    /// Judged when its work is done: every action cancelled, not executed; a KPI recommendation once every verified action is
    /// judged — the baseline is the reading before the first verification, the value the best any verification window saw (in the
    /// direction expected), and it came true when value − baseline reached the expected change.
    /// </summary>
    private static IReadOnlyList<Recommendation.Event> JudgedIfDone(Recommendation state, DateTimeOffset now)
    {
        if (state.Judgement is not null || !state.WorkDone || state.Proposal is not { } p) return [];
        var verified = state.Work.Where(w => w.Status == WorkStatus.Verified).OrderBy(w => w.VerifiedAt).ToArray();
        if (verified.Length == 0)
            return [new Recommendation.Event.Judged(state.Id, RecommendationOutcome.NotExecuted, "Every accepted action was cancelled.", null, null, null, null, now)];
        if (p.Effect.Kpi is not { } kpi || p.Effect.Change is not { } expected || verified.Any(w => w.AssessedAt is null)) return [];

        var baseline = verified.Select(w => w.KpiBaseline).FirstOrDefault(b => b is not null);
        var bests = verified.Select(w => w.KpiBest).OfType<decimal>().ToArray();
        if (baseline is null || bests.Length == 0)
            return [new Recommendation.Event.Judged(state.Id, RecommendationOutcome.Unmeasured, $"No reading of {kpi} before and within the verification windows to compare.",
                expected, null, baseline, null, now)];
        var value = expected > 0 ? bests.Max() : bests.Min();
        var realised = value - baseline.Value;
        var cameTrue = expected > 0 ? realised >= expected : realised <= expected;
        return [new Recommendation.Event.Judged(state.Id, cameTrue ? RecommendationOutcome.CameTrue : RecommendationOutcome.DidNotComeTrue,
            Say($"{kpi} moved {realised:+0.####;-0.####;0} ({baseline:0.####} → {value:0.####}) against {expected:+0.####;-0.####} expected."), expected, realised, baseline, value, now)];
    }

    /// <summary>Accepted: each proposed action becomes work for the function that owns it, saying where it came from and who accepted it.</summary>
    private static Recommendation.Event.Accepted Accepted(
        Recommendation.Event.Received p, string by, Guid? approvalId, IReadOnlyList<AppliedRule> rules, Func<string, string> ownerRoleOf, DateTimeOffset now,
        IReadOnlyList<ActionAmendment>? amendments = null)
    {
        var accepted = approvalId is null ? $"accepted by the site's recommendation policy ({string.Join(", ", rules.Select(r => $"{ProposedAction.Slugs[r.Kind]} v{r.Version}"))})"
            : $"accepted{(amendments is null ? "" : " with changes")} by {by} (approval {approvalId})";
        var actions = p.Actions.Select((a, i) => (Action: amendments?.FirstOrDefault(m => m.Index == i) is { } m ? (m.Drop ? null : a.Amended(m)) : a, Index: i))
            .Where(a => a.Action is not null).ToArray();
        var description = Say($"Recommended by {p.Source.System} ({p.Source.Model} {p.Source.ModelVersion}, confidence {p.Confidence:0.###}), {accepted}. Expected: {p.Effect.Describe()}. Recommendation {p.RecommendationId}.");
        return new Recommendation.Event.Accepted(p.RecommendationId, by, approvalId, rules, p.Source, p.Effect,
            [.. actions.Select(x => new AcceptedAction(DeterministicId.From($"recommendation-action|{p.RecommendationId}|{x.Index}"), x.Index, x.Action!, x.Action!.Title,
                description, x.Action.OwningFunction, ownerRoleOf(x.Action.OwningFunction)))], now, amendments);
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
