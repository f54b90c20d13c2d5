using System.Text.Json;
using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Requests;

/// <param name="Requester">Whose request it is: the signed caller, or the person a client acts for.</param>
/// <param name="RequestedBy">The client that sent it for the requester, when one did; it may not approve it either.</param>
/// <param name="ExpiresBy">When what is asked stops being worth deciding (a recommendation's expiry): the request expires then, if its policy would keep it longer.</param>
public sealed record RequestApproval(
    Guid ApprovalId, Subject Subject, string Site, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
    string? CorrelationId, Guid? ExternalReference, JsonElement DecisionContext, IReadOnlyList<FollowUp> FollowUps, string? RequestedBy = null,
    Uri? LiveContextUrl = null, DateTimeOffset? ExpiresBy = null)
{
    public RequestTerms Terms => new(Subject.Type, Site, Amount, Currency, Severity);

    /// <summary>A caller's request id (or an exception case's) always names the same approval, so asking twice finds the first.</summary>
    public static Guid IdFor(Guid requestId) => Messaging.Outbox.DeterministicId.From($"approval|{requestId}");
}

/// <summary>A decision as a token (or a bridge's callback) states it: for one stage at one level, by one person, perhaps in another's seat.</summary>
/// <param name="Live">The owner's answer for the context now, asked at the edge (it is I/O); the decision keeps it beside the requested one.</param>
/// <param name="ConfirmedContext">The digest of the context now that the approver confirms deciding on, when the policy asked them to.</param>
/// <param name="Amendments">Changes to what was asked, approved with (only when approving, and only to what the request lists as amendable).</param>
public sealed record DecideStage(int Stage, int Level, string Actor, string? OnBehalfOf, Verdict Verdict, string? Comment, DecisionChannel Via, Guid? TokenId,
    LiveContext.LiveContextAnswer? Live = null, string? ConfirmedContext = null, IReadOnlyList<Amendment>? Amendments = null);

/// <summary>The world as read at the edge — who holds which role, which delegations exist, what time it is — so decisions stay pure.</summary>
public sealed record Situation(RoleHolders Holders, IReadOnlyList<ActiveDelegation> Delegations, DateTimeOffset Now);

/// <summary>The rules of an approval request, as pure functions from its state and a command to the events that follow.</summary>
public static class ApprovalDecisions
{
    public static IReadOnlyList<ApprovalRequest.Event> Request(ApprovalRequest state, RequestApproval command, PolicyVersion? policy, Situation world)
    {
        if (state.Status != ApprovalStatus.None) return SameRequest(state, command);
        if (policy is null)
            throw new RuleViolationException("no-policy", $"No policy governs {command.Subject.Type} at {command.Site} for these terms; publish one with PUT /policies/{{id}}.");
        var stages = PolicyResolver.StagesFor(policy.Definition, command.Amount);
        if (stages.Count == 0) throw new RuleViolationException("no-stage", $"Policy {policy.PolicyId} v{policy.Version} has no stage for this amount.");

        var plan = stages.Select((s, i) => new PlannedStage(i, s.Name, s.Approvers, s.Quorum, PolicyDefinition.Duration(s.Sla), s.Escalation)).ToArray();
        var requested = new ApprovalRequest.Event.Requested(command.ApprovalId, command.Subject, command.Site, command.Amount, command.Currency, command.Severity,
            command.Requester, command.Reason, command.CorrelationId, command.ExternalReference, command.DecisionContext, policy.PolicyId, policy.Version,
            plan, ExpiryOf(command, policy, world.Now), command.FollowUps, world.Now, command.RequestedBy,
            policy.Definition.Reconfirm, command.LiveContextUrl);
        var state1 = state.Apply(requested);
        return [requested, .. OpenStage(state1, plan[0], world)];
    }

    private static DateTimeOffset ExpiryOf(RequestApproval command, PolicyVersion policy, DateTimeOffset now)
    {
        var byPolicy = now + PolicyDefinition.Duration(policy.Definition.Expiry);
        return command.ExpiresBy is { } by && by < byPolicy ? by : byPolicy;
    }

    /// <summary>What a request no policy can route becomes when it arrives by message: refused, with the reason, so its sender hears back.</summary>
    public static IReadOnlyList<ApprovalRequest.Event> Refuse(ApprovalRequest state, RequestApproval command, string why, DateTimeOffset now) =>
        state.Status != ApprovalStatus.None ? []
        : [new ApprovalRequest.Event.Refused(command.ApprovalId, command.Subject, command.Site, command.Requester, command.Reason, command.CorrelationId,
            command.ExternalReference, command.DecisionContext, why, now)];

    public static IReadOnlyList<ApprovalRequest.Event> Decide(ApprovalRequest state, DecideStage command, Situation world)
    {
        var stage = OpenStageOf(state);
        if (command.Stage != stage.Index || command.Level != stage.Level)
            throw new InvalidStateException("That stage was already decided or passed to the next level; this decision link is no longer valid.");
        if (IsRequester(state, command.Actor) || IsRequester(state, command.OnBehalfOf))
            throw new RuleViolationException("own-request", "Nobody approves their own request, directly or through a delegate.");
        var seat = command.OnBehalfOf ?? command.Actor;
        if (!stage.Approvers.Contains(seat, StringComparer.OrdinalIgnoreCase))
            throw new RuleViolationException("not-an-approver", $"{seat} is not an approver of stage '{stage.Name}' at this level.");
        if (command.OnBehalfOf is not null && !world.Delegations.Any(d => Same(d.From, command.OnBehalfOf) && Same(d.To, command.Actor) && d.Covers(state.Subject.Type, world.Now)))
            throw new RuleViolationException("delegation-not-in-force", $"{command.Actor} holds no delegation from {command.OnBehalfOf} for {state.Subject.Type} now.");
        if (stage.Votes.Any(v => Same(v.Seat, seat) || Same(v.DecidedBy, command.Actor)))
            throw new InvalidStateException($"{command.Actor} has already decided stage '{stage.Name}' (in their own or a delegated seat).");

        if (command.Amendments is { Count: > 0 } amendments)
        {
            if (command.Verdict != Verdict.Approve) throw new RuleViolationException("amend-when-approving", "Changes are approved with: a rejection changes nothing.");
            if (Amendments.Problems(Amendments.ListedIn(state.DecisionContext), state.Amendments ?? [], amendments) is { Count: > 0 } wrong)
                throw new RuleViolationException("invalid-amendment", string.Join(" ", wrong));
        }
        var seen = command.Live is { } live ? Confirmed(state, LiveContext.ContextSeen.Of(state, live), command.ConfirmedContext) : null;
        var recorded = new ApprovalRequest.Event.DecisionRecorded(state.Id, stage.Index, stage.Level, command.Actor, command.OnBehalfOf, command.Verdict, command.Comment,
            command.Via, command.TokenId, world.Now, seen, command.Amendments is { Count: > 0 } ? command.Amendments : null);
        var after = state.Apply(recorded).Stage!;
        if (after.Approvals >= after.Required)
        {
            var decided = new ApprovalRequest.Event.StageDecided(state.Id, stage.Index, Verdict.Approve, stage.OpenedAt, world.Now);
            if (stage.Index + 1 < state.Plan.Count)
                return [recorded, decided, .. OpenStage(state.Apply(recorded).Apply(decided), state.Plan[stage.Index + 1], world)];
            return [recorded, decided, new ApprovalRequest.Event.Granted(state.Id, state.Subject, state.Site, state.PolicyId, state.PolicyVersion, command.Actor,
                state.ExternalReference, state.FollowUps, world.Now, state.Apply(recorded).Amendments)];
        }
        if (after.CannotPass)
            return [recorded, new ApprovalRequest.Event.StageDecided(state.Id, stage.Index, Verdict.Reject, stage.OpenedAt, world.Now),
                new ApprovalRequest.Event.Rejected(state.Id, state.Subject, state.Site, state.PolicyId, state.PolicyVersion, command.Actor, command.Comment,
                    state.ExternalReference, world.Now)];
        return [recorded];
    }

    public const string ContextChanged = "context-changed";

    /// <summary>
    /// A decision on a context that drifted past the policy's re-confirmation rule stands only when the approver confirmed on the
    /// context now — by its digest, so a confirmation given on an earlier "now" does not carry over to a later one. Without a
    /// live context (the owner down) there is nothing to confirm on: the decision proceeds on the frozen one and records that.
    /// </summary>
    private static LiveContext.ContextSeen Confirmed(ApprovalRequest state, LiveContext.ContextSeen seen, string? confirmedContext)
    {
        var reasons = seen.NeedsConfirming(state);
        if (reasons.Count == 0) return seen;
        if (!string.Equals(confirmedContext, seen.LiveDigest, StringComparison.Ordinal))
            throw new InvalidStateException(
                $"The data changed since the request and the policy asks you to confirm on the data now: {string.Join(" ", reasons)} "
                + "Read it (the decision page or GET /approvals/{id}/context), then decide again with confirmedContext set to liveDigest.",
                ContextChanged, new Dictionary<string, object?> { ["liveDigest"] = seen.LiveDigest, ["reasons"] = reasons, ["drift"] = seen.Drift });
        return seen with { ConfirmedPast = reasons };
    }

    /// <summary>
    /// The stage climbs its escalation chain: the next level with anyone in it is notified and the stage
    /// reassigned to it, to be decided by any one of them. A timer that finds the stage already moved on
    /// records nothing (it is stale); a person asking for it gets told why not.
    /// </summary>
    public static IReadOnlyList<ApprovalRequest.Event> Escalate(ApprovalRequest state, int stageIndex, int fromLevel, EscalationTrigger trigger, string? by, Situation world)
    {
        var byTimer = trigger == EscalationTrigger.Timer;
        if (byTimer && (!state.IsOpen || state.Stage is not { } current || current.Index != stageIndex || current.Level != fromLevel)) return [];
        var stage = OpenStageOf(state);
        if (!byTimer && !Same(by, state.Requester) && !stage.Approvers.Contains(by!, StringComparer.OrdinalIgnoreCase)
            && !stage.Delegates.Any(d => Same(d.To, by)))
            throw new RuleViolationException("not-involved", "Only the requester or one of the stage's approvers may escalate it.");

        var chain = state.Plan[stage.Index].Escalation;
        for (var level = stage.Level; level < chain.Count; level++)
        {
            var approvers = Eligible(world.Holders.Resolve(chain[level], state.Site), state);
            if (approvers.Count == 0) continue;
            var escalated = new ApprovalRequest.Event.StageEscalated(state.Id, stage.Index, level + 1, trigger, by, chain[level].ToString(), approvers,
                world.Now + state.Plan[stage.Index].Sla, world.Now);
            return [escalated, .. Notify(state.Apply(escalated), escalation: true, world)];
        }
        return byTimer ? [] : throw new RuleViolationException("no-higher-level", $"Stage '{stage.Name}' has no further escalation level with anyone in it.");
    }

    public static IReadOnlyList<ApprovalRequest.Event> Expire(ApprovalRequest state, DateTimeOffset now) =>
        !state.IsOpen || now < state.ExpiresAt ? [] : [new ApprovalRequest.Event.Expired(state.Id, state.Subject, state.Site, state.ExternalReference, now)];

    public static IReadOnlyList<ApprovalRequest.Event> Withdraw(ApprovalRequest state, string by, string reason, DateTimeOffset now)
    {
        OpenStageOf(state);
        if (!Same(by, state.Requester)) throw new RuleViolationException("only-requester-withdraws", "Only the requester may withdraw a request.");
        return [new ApprovalRequest.Event.Withdrawn(state.Id, state.Subject, state.Site, by, reason, state.ExternalReference, now)];
    }

    private static IReadOnlyList<ApprovalRequest.Event> OpenStage(ApprovalRequest state, PlannedStage planned, Situation world)
    {
        var approvers = Eligible(planned.Approvers.SelectMany(a => world.Holders.Resolve(a, state.Site)), state);
        if (approvers.Count == 0)
            throw new RuleViolationException("no-approvers", $"Nobody but the requester holds {string.Join(", ", planned.Approvers)} for {state.Site} (stage '{planned.Name}'); fill the directory.");
        var required = planned.Quorum.RequiredOf(approvers.Count);
        if (required > approvers.Count)
            throw new RuleViolationException("quorum-unreachable", $"Stage '{planned.Name}' needs {required} approvals but only {approvers.Count} people may give them.");
        var opened = new ApprovalRequest.Event.StageOpened(state.Id, planned.Index, planned.Name, approvers, required, world.Now + planned.Sla, world.Now);
        return [opened, .. Notify(state.Apply(opened), escalation: false, world)];
    }

    /// <summary>
    /// Every approver of the stage at its level is notified, and so is each one's delegate in force for
    /// this subject — only direct delegates: delegation does not cascade, and never to the requester.
    /// </summary>
    private static IEnumerable<ApprovalRequest.Event> Notify(ApprovalRequest state, bool escalation, Situation world)
    {
        var stage = state.Stage!;
        foreach (var approver in stage.Approvers)
        {
            yield return new ApprovalRequest.Event.ApproverNotified(state.Id, stage.Index, stage.Level, approver, null, escalation, world.Now);
            foreach (var delegation in world.Delegations.Where(d => Same(d.From, approver) && d.Covers(state.Subject.Type, world.Now)))
            {
                if (IsRequester(state, delegation.To) || stage.Approvers.Contains(delegation.To, StringComparer.OrdinalIgnoreCase)) continue;
                yield return new ApprovalRequest.Event.StageDelegated(state.Id, stage.Index, stage.Level, approver, delegation.To, delegation.DelegationId, world.Now);
                yield return new ApprovalRequest.Event.ApproverNotified(state.Id, stage.Index, stage.Level, delegation.To, approver, escalation, world.Now);
            }
        }
    }

    private static StageState OpenStageOf(ApprovalRequest state) =>
        state.IsOpen && state.Stage is { } stage ? stage
        : throw new InvalidStateException(state.Status == ApprovalStatus.None ? "There is no such request." : $"The request is already {state.Status.ToString().ToLowerInvariant()}.");

    /// <summary>Segregation of duties: neither the requester nor a client that asked for them is ever an approver of the request.</summary>
    private static IReadOnlyList<string> Eligible(IEnumerable<string> people, ApprovalRequest state) =>
        [.. people.Where(p => !IsRequester(state, p)).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static bool IsRequester(ApprovalRequest state, string? person) => Same(person, state.Requester) || Same(person, state.RequestedBy);

    private static IReadOnlyList<ApprovalRequest.Event> SameRequest(ApprovalRequest state, RequestApproval command) =>
        state.Subject == command.Subject && state.Site == command.Site && state.Requester == command.Requester ? []
        : throw new InvalidStateException($"Request id {command.ApprovalId} is already used for {state.Subject} at {state.Site} by {state.Requester}.");

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
