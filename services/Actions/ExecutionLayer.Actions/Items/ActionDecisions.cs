using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Items;

public sealed record CreateAction(
    Guid ActionId, string Title, string? Description, string Owner, DateTimeOffset Due, Priority Priority, string Site, string? Department,
    SourceKind SourceKind, string SourceReference, IReadOnlyList<string> Kpis, Perspective? Perspective, IReadOnlyList<string> RootCauseTags,
    EvidenceKind RequiredEvidence, string VerifierRole, int VerificationWindowDays, string? CorrelationId, string CreatedBy,
    IReadOnlyList<string>? Objectives = null)
{
    /// <summary>A source's own reference (an exception's request id, an approval's follow-up) always names the same action, so a redelivery finds it made.</summary>
    public static Guid IdFor(SourceKind kind, string reference) => Messaging.Outbox.DeterministicId.From($"action|{kind}|{reference}");
}

/// <summary>An action verified closed recently on a KPI and root cause the new one shares.</summary>
public sealed record RepeatCandidate(Guid ActionId, IReadOnlyList<string> SharedKpis, IReadOnlyList<string> SharedTags);

/// <summary>The rules of an action item, as pure functions from its state and a command to the events that follow.</summary>
public static class ActionDecisions
{
    public static IReadOnlyList<ActionItem.Event> Create(ActionItem state, CreateAction c, RepeatCandidate? repeatOf, DateTimeOffset now)
    {
        if (state.Exists) return SameAction(state, c);
        if (c.Due <= now) throw new RuleViolationException("due-in-past", $"The due date {c.Due:O} has already passed.");
        var created = new ActionItem.Event.Created(c.ActionId, c.Title, c.Description, c.Owner, c.Due, c.Priority, c.Site, c.Department, c.SourceKind, c.SourceReference,
            c.Kpis, c.Perspective, c.RootCauseTags, c.RequiredEvidence, c.VerifierRole, c.VerificationWindowDays, c.CorrelationId, c.CreatedBy, now,
            c.Objectives is { Count: > 0 } objectives ? objectives : null);
        return repeatOf is null ? [created] : [created, new ActionItem.Event.RepeatFlagged(c.ActionId, repeatOf.ActionId, repeatOf.SharedKpis, repeatOf.SharedTags, now)];
    }

    public static IReadOnlyList<ActionItem.Event> Assign(ActionItem state, string owner, string by, DateTimeOffset now)
    {
        RequireOpen(state, "reassign");
        return Same(owner, state.Owner) ? [] : [new ActionItem.Event.Assigned(state.Id, owner, state.Owner, by, now)];
    }

    public static IReadOnlyList<ActionItem.Event> Start(ActionItem state, string by, DateTimeOffset now) => state.Status switch
    {
        ActionStatus.InProgress => [],
        ActionStatus.Open or ActionStatus.Blocked => [new ActionItem.Event.Started(state.Id, state.SourceKind, state.SourceReference, by, now)],
        _ => throw NotIn(state, "start"),
    };

    public static IReadOnlyList<ActionItem.Event> Block(ActionItem state, string reason, string by, DateTimeOffset now)
    {
        RequireReason(reason, "block");
        return state.Status switch
        {
            ActionStatus.Blocked when state.BlockedReason == reason => [],
            ActionStatus.Open or ActionStatus.InProgress or ActionStatus.Blocked => [new ActionItem.Event.Blocked(state.Id, reason, by, now)],
            _ => throw NotIn(state, "block"),
        };
    }

    public static IReadOnlyList<ActionItem.Event> NoteProgress(ActionItem state, string note, int? percent, string by, DateTimeOffset now)
    {
        if (state.Status is not (ActionStatus.Open or ActionStatus.InProgress or ActionStatus.Blocked)) throw NotIn(state, "note progress on");
        if (percent is < 0 or > 100) throw new RuleViolationException("percent", "Progress is a percentage from 0 to 100.");
        return [new ActionItem.Event.ProgressNoted(state.Id, note, percent, by, now)];
    }

    /// <remarks>The original due date stays as it was: on-time closure is measured against it, so moving a date never hides a miss.</remarks>
    public static IReadOnlyList<ActionItem.Event> ChangeDue(ActionItem state, DateTimeOffset due, string reason, string by, DateTimeOffset now)
    {
        RequireOpen(state, "change the due date of");
        RequireReason(reason, "change a due date");
        if (due == state.Due) return [];
        if (due <= now) throw new RuleViolationException("due-in-past", $"The new due date {due:O} has already passed.");
        return [new ActionItem.Event.DueDateChanged(state.Id, state.Due, due, reason, by, now)];
    }

    public static IReadOnlyList<ActionItem.Event> ClaimCompletion(ActionItem state, Evidence evidence, string by, DateTimeOffset now)
    {
        if (state.Status is not (ActionStatus.Open or ActionStatus.InProgress)) throw NotIn(state, "claim completion of");
        if (!Same(by, state.Owner)) throw new RuleViolationException("owner-claims", $"Only the owner ({state.Owner}) claims completion; reassign it first.");
        // Refused here, not only at verify: a claim without its evidence would leave the verifier to reject it before the owner could claim again.
        if (!evidence.Satisfies(state.RequiredEvidence))
            throw new RuleViolationException("evidence-required", $"This action requires {Describe(state.RequiredEvidence)} with the claim.");
        return [new ActionItem.Event.CompletionClaimed(state.Id, evidence, by, now)];
    }

    /// <summary>Segregation of duties: the verifier is not the owner (nor whoever claimed), holds the action's verifier role, and sees the evidence it requires.</summary>
    public static IReadOnlyList<ActionItem.Event> Verify(ActionItem state, string by, bool holdsVerifierRole, DateTimeOffset now)
    {
        RequireVerifier(state, by, holdsVerifierRole, "verify");
        if (state.Claim is not { } claim || !claim.Satisfies(state.RequiredEvidence))
            throw new RuleViolationException("evidence-required", $"The claim carries no {state.RequiredEvidence} evidence, which this action requires; reject the claim instead.");
        return [new ActionItem.Event.ClosureVerified(state.Id, state.SourceKind, state.SourceReference, by, now)];
    }

    public static IReadOnlyList<ActionItem.Event> RejectClaim(ActionItem state, string reason, string by, bool holdsVerifierRole, DateTimeOffset now)
    {
        RequireVerifier(state, by, holdsVerifierRole, "reject the claim of");
        RequireReason(reason, "reject a claim");
        return [new ActionItem.Event.ClaimRejected(state.Id, reason, by, now)];
    }

    public static IReadOnlyList<ActionItem.Event> Cancel(ActionItem state, string reason, string by, DateTimeOffset now)
    {
        RequireOpen(state, "cancel");
        RequireReason(reason, "cancel");
        return [new ActionItem.Event.Cancelled(state.Id, state.SourceKind, state.SourceReference, reason, by, now)];
    }

    public static IReadOnlyList<ActionItem.Event> Reopen(ActionItem state, string reason, string by, DateTimeOffset now)
    {
        RequireExists(state);
        if (state.Status is not (ActionStatus.Verified or ActionStatus.Cancelled)) throw NotIn(state, "reopen");
        RequireReason(reason, "reopen");
        return [new ActionItem.Event.Reopened(state.Id, reason, by, now)];
    }

    /// <summary>A timer set for one rung at one due date: stale (the action closed, moved or already climbed) it does nothing.</summary>
    public static IReadOnlyList<ActionItem.Event> EscalateOverdue(ActionItem state, int level, DateTimeOffset due, string rung, IReadOnlyList<string> notify, DateTimeOffset now) =>
        !state.IsOpen || state.Due != due || state.OverdueLevel != level || now < due ? []
        : [new ActionItem.Event.OverdueEscalated(state.Id, level, rung, notify, due, now)];

    public static IReadOnlyList<ActionItem.Event> AssessClosure(ActionItem state, DateTimeOffset verifiedAt, IReadOnlyList<KpiMovement> movements, DateTimeOffset windowEnd, DateTimeOffset now) =>
        state.Status != ActionStatus.Verified || state.VerifiedAt != verifiedAt || state.MovedKpis is not null || movements.Count == 0 ? []
        : [new ActionItem.Event.ClosureQualityAssessed(state.Id, movements, movements.All(m => m.Moved), windowEnd, now, state.SourceKind, state.SourceReference, verifiedAt)];

    public static IReadOnlyList<ActionItem.Event> MarkIneffective(ActionItem state, Guid repeatedBy, DateTimeOffset now) =>
        state.Status == ActionStatus.Verified && state.IneffectiveBecauseOf is null ? [new ActionItem.Event.ClosureMarkedIneffective(state.Id, repeatedBy, now)] : [];

    private static IReadOnlyList<ActionItem.Event> SameAction(ActionItem state, CreateAction c) =>
        state.Title == c.Title && state.Site == c.Site && state.SourceKind == c.SourceKind && state.SourceReference == c.SourceReference ? []
        : throw new InvalidStateException($"Action {state.Id} already exists with other content ({state.SourceKind} {state.SourceReference}: {state.Title}).");

    private static void RequireVerifier(ActionItem state, string by, bool holdsVerifierRole, string what)
    {
        RequireExists(state);
        if (state.Status != ActionStatus.CompletionClaimed) throw NotIn(state, what);
        if (Same(by, state.Owner) || Same(by, state.ClaimedBy))
            throw new RuleViolationException("verifier-not-owner", "The owner does not verify their own closure; someone else holding the verifier role does.");
        if (!holdsVerifierRole)
            throw new RuleViolationException("verifier-role", $"{by} does not hold the {state.VerifierRole} role at {state.Site}, which verifying this action needs.");
    }

    private static void RequireOpen(ActionItem state, string what)
    {
        RequireExists(state);
        if (!state.IsOpen) throw NotIn(state, what);
    }

    private static void RequireExists(ActionItem state)
    {
        if (!state.Exists) throw new NotFoundException("There is no such action.");
    }

    private static void RequireReason(string reason, string what)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new RuleViolationException("reason-required", $"Say why you {what}.");
    }

    private static Exception NotIn(ActionItem state, string what) =>
        state.Exists ? new InvalidStateException($"This action is {state.Status}; you cannot {what} it now.")
        : new NotFoundException("There is no such action.");

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Describe(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Text => "a text saying what was done (text)",
        EvidenceKind.Document => "a document reference (documentReference)",
        EvidenceKind.Measurement => "a measured value (measuredValue)",
        _ => "no evidence",
    };
}
