using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Actions.Tests.Given;

namespace ExecutionLayer.Actions.Tests;

/// <summary>The lifecycle of an action as pure decisions: who may do what, from which state.</summary>
public sealed class ActionLifecycleTests
{
    private static readonly DateTimeOffset Tuesday = Monday.AddDays(1);

    [Fact]
    public void Creating_an_action_records_its_due_date_as_the_original_due_date()
    {
        var state = Created();
        Assert.Equal(ActionStatus.Open, state.Status);
        Assert.Equal(Monday.AddDays(4), state.OriginalDue);
        Assert.Equal(state.OriginalDue, state.Due);
    }

    [Fact]
    public void Creating_the_same_action_again_adds_nothing_but_other_content_under_its_id_conflicts()
    {
        Assert.Empty(ActionDecisions.Create(Created(), Create(), null, Tuesday));
        Assert.Throws<InvalidStateException>(() => ActionDecisions.Create(Created(), Create() with { Title = "Something else" }, null, Tuesday));
    }

    [Fact]
    public void A_due_date_already_past_is_refused()
    {
        var e = Assert.Throws<RuleViolationException>(() => ActionDecisions.Create(ActionItem.Initial, Create(), null, Monday.AddDays(5)));
        Assert.Equal("due-in-past", e.Rule);
    }

    [Fact]
    public void A_repeat_is_flagged_with_the_action_it_repeats()
    {
        var earlier = Guid.NewGuid();
        var events = ActionDecisions.Create(ActionItem.Initial, Create(), new RepeatCandidate(earlier, ["scrap-rate"], ["spindle-bearing"]), Monday);
        Assert.Equal(earlier, events.Single<ActionItem.Event.RepeatFlagged>().RepeatOf);
        Assert.Equal(earlier, ActionItem.Initial.After(events).RepeatOf);
    }

    [Fact]
    public void Changing_the_due_date_needs_a_reason_and_keeps_the_original_for_metrics()
    {
        Assert.Equal("reason-required", Assert.Throws<RuleViolationException>(() => ActionDecisions.ChangeDue(Created(), Monday.AddDays(9), " ", Owner, Tuesday)).Rule);

        var moved = Created().After(ActionDecisions.ChangeDue(Created(), Monday.AddDays(9), "Bearing on back-order until Thursday", Owner, Tuesday));
        Assert.Equal(Monday.AddDays(9), moved.Due);
        Assert.Equal(Monday.AddDays(4), moved.OriginalDue);
        Assert.Equal(1, moved.DueDateChanges);
    }

    [Fact]
    public void The_owner_cannot_verify_their_own_closure()
    {
        var claimed = Claimed(new Evidence(null, "WO-5521", null));
        var e = Assert.Throws<RuleViolationException>(() => ActionDecisions.Verify(claimed, Owner, holdsVerifierRole: true, Tuesday));
        Assert.Equal("verifier-not-owner", e.Rule);
    }

    [Fact]
    public void A_verifier_without_the_verifier_role_is_refused()
    {
        var claimed = Claimed(new Evidence(null, "WO-5521", null));
        Assert.Equal("verifier-role", Assert.Throws<RuleViolationException>(() => ActionDecisions.Verify(claimed, "buyer", holdsVerifierRole: false, Tuesday)).Rule);
    }

    [Fact]
    public void A_claim_without_the_evidence_the_action_requires_is_refused_so_the_owner_can_claim_again_at_once()
    {
        var open = Created(EvidenceKind.Document);
        var e = Assert.Throws<RuleViolationException>(() => ActionDecisions.ClaimCompletion(open, new Evidence("Done, trust me", null, null), Owner, Tuesday));
        Assert.Equal("evidence-required", e.Rule);
        ActionDecisions.ClaimCompletion(open, new Evidence("Done", "WO-5521", null), Owner, Tuesday).Single<ActionItem.Event.CompletionClaimed>();
    }

    [Fact]
    public void Verifying_a_claim_stored_without_the_required_evidence_is_refused()
    {
        // A claim recorded before claims were checked (or under an older requirement) still cannot be verified.
        var claimed = Created(EvidenceKind.Document).After([new ActionItem.Event.CompletionClaimed(ActionId, new Evidence("Done, trust me", null, null), Owner, Tuesday)]);
        var e = Assert.Throws<RuleViolationException>(() => ActionDecisions.Verify(claimed, QualityLead, holdsVerifierRole: true, Tuesday));
        Assert.Equal("evidence-required", e.Rule);
    }

    [Theory]
    [InlineData(EvidenceKind.Text, "Bearing replaced and run in", null, null)]
    [InlineData(EvidenceKind.Document, null, "WO-5521", null)]
    [InlineData(EvidenceKind.Measurement, null, null, "0.8")]
    [InlineData(EvidenceKind.None, null, null, null)]
    public void A_claim_with_the_required_evidence_is_verified_by_someone_else_holding_the_role(EvidenceKind kind, string? text, string? document, string? measured)
    {
        var claimed = Claimed(new Evidence(text, document, measured is null ? null : decimal.Parse(measured, System.Globalization.CultureInfo.InvariantCulture)), kind);
        var verified = ActionDecisions.Verify(claimed, QualityLead, holdsVerifierRole: true, Tuesday).Single<ActionItem.Event.ClosureVerified>();
        Assert.Equal(QualityLead, verified.VerifiedBy);
        Assert.Equal(ActionStatus.Verified, claimed.After([verified]).Status);
    }

    [Fact]
    public void A_rejected_claim_goes_back_to_in_progress_with_the_reason()
    {
        var claimed = Claimed(new Evidence(null, "WO-5521", null));
        var rejected = claimed.After(ActionDecisions.RejectClaim(claimed, "Run-in record missing", QualityLead, holdsVerifierRole: true, Tuesday));
        Assert.Equal(ActionStatus.InProgress, rejected.Status);
        Assert.Null(rejected.Claim);
    }

    [Fact]
    public void Only_the_owner_claims_completion()
    {
        Assert.Equal("owner-claims", Assert.Throws<RuleViolationException>(() =>
            ActionDecisions.ClaimCompletion(Created(), new Evidence("done", null, null), "someone.else", Tuesday)).Rule);
    }

    public static TheoryData<string> WrongStateCommands() => ["start a verified", "claim a verified", "verify an open", "reject the claim of an open",
        "block a cancelled", "cancel a verified", "reopen an open", "change the due date of a cancelled", "note progress on a claimed", "reassign a verified"];

    [Theory]
    [MemberData(nameof(WrongStateCommands))]
    public void A_command_from_the_wrong_state_conflicts(string command)
    {
        var verified = Verified();
        var cancelled = Created().After(ActionDecisions.Cancel(Created(), "Duplicate of the MES ticket", Owner, Tuesday));
        var claimed = Claimed(new Evidence(null, "WO-5521", null));
        Func<IReadOnlyList<ActionItem.Event>> decide = command switch
        {
            "start a verified" => () => ActionDecisions.Start(verified, Owner, Tuesday),
            "claim a verified" => () => ActionDecisions.ClaimCompletion(verified, new Evidence("x", null, null), Owner, Tuesday),
            "verify an open" => () => ActionDecisions.Verify(Created(), QualityLead, true, Tuesday),
            "reject the claim of an open" => () => ActionDecisions.RejectClaim(Created(), "no", QualityLead, true, Tuesday),
            "block a cancelled" => () => ActionDecisions.Block(cancelled, "waiting", Owner, Tuesday),
            "cancel a verified" => () => ActionDecisions.Cancel(verified, "no longer needed", Owner, Tuesday),
            "reopen an open" => () => ActionDecisions.Reopen(Created(), "came back", Owner, Tuesday),
            "change the due date of a cancelled" => () => ActionDecisions.ChangeDue(cancelled, Monday.AddDays(8), "later", Owner, Tuesday),
            "note progress on a claimed" => () => ActionDecisions.NoteProgress(claimed, "more", 90, Owner, Tuesday),
            _ => () => ActionDecisions.Assign(verified, "other", Owner, Tuesday),
        };
        Assert.Throws<InvalidStateException>(decide);
    }

    [Fact]
    public void A_command_for_an_action_that_does_not_exist_is_not_found()
    {
        Assert.Throws<NotFoundException>(() => ActionDecisions.Start(ActionItem.Initial, Owner, Tuesday));
        Assert.Throws<NotFoundException>(() => ActionDecisions.Reopen(ActionItem.Initial, "why", Owner, Tuesday));
    }

    [Fact]
    public void A_blocked_action_is_resumed_by_starting_it_and_starting_twice_adds_nothing()
    {
        var blocked = Created().After(ActionDecisions.Block(Created(), "Waiting for the bearing", Owner, Tuesday));
        Assert.Equal("Waiting for the bearing", blocked.BlockedReason);
        var resumed = blocked.After(ActionDecisions.Start(blocked, Owner, Tuesday));
        Assert.Equal(ActionStatus.InProgress, resumed.Status);
        Assert.Empty(ActionDecisions.Start(resumed, Owner, Tuesday));
    }

    [Fact]
    public void Reopening_a_verified_action_clears_its_verification()
    {
        var reopened = Verified().After(ActionDecisions.Reopen(Verified(), "Scrap is back up", QualityLead, Monday.AddDays(10)));
        Assert.Equal(ActionStatus.InProgress, reopened.Status);
        Assert.Null(reopened.VerifiedAt);
    }

    [Fact]
    public void An_overdue_rung_fires_once_for_the_due_date_and_level_it_was_set_for()
    {
        var due = Monday.AddDays(4);
        var events = ActionDecisions.EscalateOverdue(Created(), 0, due, "owner", [Owner], due.AddMinutes(1));
        var escalated = Created().After(events);
        Assert.Equal(1, escalated.OverdueLevel);
        Assert.Empty(ActionDecisions.EscalateOverdue(escalated, 0, due, "owner", [Owner], due.AddMinutes(2)));
        Assert.Empty(ActionDecisions.EscalateOverdue(Verified(), 0, due, "owner", [Owner], due.AddMinutes(2)));
        var moved = Created().After(ActionDecisions.ChangeDue(Created(), Monday.AddDays(9), "later", Owner, Tuesday));
        Assert.Empty(ActionDecisions.EscalateOverdue(moved, 0, due, "owner", [Owner], due.AddMinutes(2)));
    }

    [Fact]
    public void Closure_quality_is_assessed_once_and_flags_a_kpi_that_did_not_move()
    {
        var verified = Verified();
        var events = ActionDecisions.AssessClosure(verified, verified.VerifiedAt!.Value, [new KpiMovement("scrap-rate", 2.1m, 2.1m, false)],
            verified.VerifiedAt.Value.AddDays(14), verified.VerifiedAt.Value.AddDays(14));
        Assert.False(events.Single<ActionItem.Event.ClosureQualityAssessed>().MovedAll);
        var assessed = verified.After(events);
        Assert.False(assessed.MovedKpis);
        Assert.Empty(ActionDecisions.AssessClosure(assessed, verified.VerifiedAt.Value, [new KpiMovement("scrap-rate", 2.1m, 1.2m, true)],
            verified.VerifiedAt.Value.AddDays(14), verified.VerifiedAt.Value.AddDays(15)));
    }

    [Fact]
    public void An_earlier_closure_is_marked_ineffective_once()
    {
        var marked = Verified().After(ActionDecisions.MarkIneffective(Verified(), Guid.NewGuid(), Monday.AddDays(20)));
        Assert.NotNull(marked.IneffectiveBecauseOf);
        Assert.Empty(ActionDecisions.MarkIneffective(marked, Guid.NewGuid(), Monday.AddDays(21)));
    }
}
