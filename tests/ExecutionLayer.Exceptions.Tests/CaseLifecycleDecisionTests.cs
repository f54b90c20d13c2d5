using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>Open → Assessed → Responding → Resolved → Closed, decided without I/O.</summary>
public sealed class CaseLifecycleDecisionTests
{
    private static readonly DateTimeOffset Monday0905 = new(2026, 11, 23, 9, 5, 0, TimeSpan.Zero);
    private static readonly Guid CaseId = Guid.Parse("0193a000-0000-7000-8000-000000000002");
    private static readonly AffectedCommitment Acme = new("SO-1001", "Acme Axles", new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero), 48_000m, "USD");
    private static readonly Impact Cnc4 = new(["PR-77"], ["L-6001"], ["SH-900"], [Acme]);
    private static readonly Guid Overtime = Guid.Parse("0193a000-0000-7000-8000-0000000000aa");
    private static readonly string[] Ladder = ["production-manager", "plant-manager", "operations-director"];

    private static ExceptionCase Given(params ExceptionCase.Event[] events) => events.Aggregate(ExceptionCase.Initial, (s, e) => s.Apply(e));

    private static ExceptionCase Then(ExceptionCase state, IEnumerable<ExceptionCase.Event> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    /// <summary>CNC-4 down, assessed High, routed to maintenance, planning and customer service.</summary>
    private static ExceptionCase Responding(CaseKind kind = CaseKind.MachineDown)
    {
        var state = Given(
            new ExceptionCase.Event.Opened(CaseId, kind, "OH-DAYTON", "OH-DAYTON/CNC-4", "work-center/CNC-4", "CNC-4 down (spindle fault)", Monday0905),
            new ExceptionCase.Event.ImpactAssessed(CaseId, Cnc4, Severity.High, Cnc4.ChangeFrom(Impact.None), Monday0905));
        return Then(state, CaseDecisions.Route(state, RoutingTable.Default, Monday0905));
    }

    private static ExceptionCase WithEveryActionCreated(ExceptionCase state) =>
        state.Actions.Aggregate(state, (s, a) => Then(s, CaseDecisions.LinkAction(s, a.RequestId, Guid.NewGuid(), Monday0905)));

    private static ExceptionCase WithEveryActionVerified(ExceptionCase state) =>
        state.Actions.Aggregate(state, (s, a) => Then(s, CaseDecisions.CloseAction(s, a.RequestId, a.ActionId!.Value, ResponseStatus.Verified, "quality-lead", Monday0905.AddDays(3))));

    [Fact]
    public void Only_an_actions_first_start_is_the_response_and_a_cancelled_one_never_starts()
    {
        var state = WithEveryActionCreated(Responding());
        var (maintenance, planning, service) = (state.Actions[0], state.Actions[1], state.Actions[2]);

        state = Then(state, CaseDecisions.StartAction(state, maintenance.RequestId, maintenance.ActionId!.Value, "maint.lee", Monday0905.AddMinutes(20)));
        Assert.Empty(CaseDecisions.StartAction(state, maintenance.RequestId, maintenance.ActionId!.Value, "maint.lee", Monday0905.AddHours(3))); // again, after a block
        state = Then(state, CaseDecisions.CloseAction(state, service.RequestId, service.ActionId!.Value, ResponseStatus.Cancelled, "actions", Monday0905.AddHours(1)));
        Assert.Empty(CaseDecisions.StartAction(state, service.RequestId, service.ActionId!.Value, "cs.kim", Monday0905.AddHours(2)));
        // Verified without a recorded start: the work was done by then.
        state = Then(state, CaseDecisions.CloseAction(state, planning.RequestId, planning.ActionId!.Value, ResponseStatus.Verified, "quality-lead", Monday0905.AddHours(5)));

        Assert.Equal([Monday0905.AddMinutes(20), Monday0905.AddHours(5), null], state.Actions.Select(a => a.StartedAt));
        Assert.All(state.Actions, a => Assert.Equal(Monday0905, a.LinkedAt));
    }

    [Fact]
    public void Overtime_asked_for_on_a_case_carries_the_impact_it_was_asked_on()
    {
        var requested = Assert.IsType<ExceptionCase.Event.ApprovalRequested>(Assert.Single(CaseDecisions.RequestApproval(
            Responding(), Overtime, "overtime", "OH-DAYTON/2026-11-28", 18_000m, "USD", "planner.pat", null, "Saturday shift to recover PR-77", Monday0905.AddMinutes(1))));
        Assert.Equal(Cnc4, requested.Context);
        Assert.Equal(Severity.High, requested.Severity);
        Assert.Equal("CNC-4 down (spindle fault)", requested.CaseSummary);
    }

    [Fact]
    public void The_same_approval_request_posted_twice_is_one_request()
    {
        var state = Responding();
        state = Then(state, CaseDecisions.RequestApproval(state, Overtime, "overtime", "OT-1", 18_000m, "USD", "pat", null, "recover", Monday0905));
        Assert.Empty(CaseDecisions.RequestApproval(state, Overtime, "overtime", "OT-1", 18_000m, "USD", "pat", null, "recover", Monday0905));
    }

    [Fact]
    public void A_second_pending_request_for_the_same_subject_is_a_conflict()
    {
        var state = Responding();
        state = Then(state, CaseDecisions.RequestApproval(state, Overtime, "overtime", "OT-1", 18_000m, "USD", "pat", null, "recover", Monday0905));
        Assert.Throws<InvalidStateException>(() => CaseDecisions.RequestApproval(state, Guid.NewGuid(), "overtime", "OT-1", 9_000m, "USD", "pat", null, "again", Monday0905));
    }

    [Fact]
    public void An_amount_without_a_currency_breaks_a_rule() =>
        Assert.Equal("approval-currency", Assert.Throws<RuleViolationException>(() =>
            CaseDecisions.RequestApproval(Responding(), Overtime, "overtime", "OT-1", 18_000m, null, "pat", null, "recover", Monday0905)).Rule);

    [Fact]
    public void A_resolved_case_needs_no_more_approvals()
    {
        var state = Then(Responding(), CaseDecisions.Resolve(Responding(), "work center running again", Monday0905.AddHours(2)));
        Assert.Throws<InvalidStateException>(() => CaseDecisions.RequestApproval(state, Overtime, "overtime", "OT-1", 1m, "USD", "pat", null, "late", Monday0905));
    }

    [Fact]
    public void A_high_severity_quality_hold_asks_for_a_use_as_is_deviation_once()
    {
        var state = Responding(CaseKind.QualityHold);
        var deviation = Assert.Single(state.Approvals);
        Assert.Equal(("deviation", ApprovalOutcome.Pending), (deviation.SubjectType, deviation.Outcome));
        Assert.Empty(CaseDecisions.Route(state, RoutingTable.Default, Monday0905.AddHours(1)));
    }

    [Fact]
    public void A_machine_down_asks_for_no_approval_by_itself() => Assert.Empty(Responding().Approvals);

    [Fact]
    public void GivenActionsStillOpen_WhenTheDeviationClears_ThenTheCaseIsResolvedButNotClosed()
    {
        var state = WithEveryActionCreated(Responding());
        var events = CaseDecisions.Resolve(state, "work center running again", Monday0905.AddHours(3));
        Assert.Equal([typeof(ExceptionCase.Event.Resolved)], events.Select(e => e.GetType()));
        Assert.Equal(CaseStatus.Resolved, Then(state, events).Status);
    }

    [Fact]
    public void GivenAResolvedCase_WhenTheLastActionIsVerified_ThenItCloses()
    {
        var state = WithEveryActionCreated(Responding());
        state = Then(state, CaseDecisions.Resolve(state, "work center running again", Monday0905.AddHours(3)));
        state = WithEveryActionVerified(state);
        Assert.Equal(CaseStatus.Closed, state.Status);
    }

    [Fact]
    public void GivenEveryActionVerified_WhenTheDeviationClears_ThenItIsResolvedAndClosedTogether()
    {
        var state = WithEveryActionVerified(WithEveryActionCreated(Responding()));
        Assert.Equal(CaseStatus.Responding, state.Status);
        Assert.Equal([typeof(ExceptionCase.Event.Resolved), typeof(ExceptionCase.Event.Closed)], CaseDecisions.Resolve(state, "running", Monday0905.AddDays(4)).Select(e => e.GetType()));
    }

    [Fact]
    public void A_pending_approval_keeps_a_resolved_case_open_until_it_is_decided_either_way()
    {
        var state = WithEveryActionVerified(WithEveryActionCreated(Responding()));
        state = Then(state, CaseDecisions.RequestApproval(state, Overtime, "overtime", "OT-1", 18_000m, "USD", "pat", null, "recover", Monday0905));
        state = Then(state, CaseDecisions.Resolve(state, "running", Monday0905.AddHours(5)));
        Assert.Equal(CaseStatus.Resolved, state.Status);

        var decided = CaseDecisions.RecordApprovalOutcome(state, Overtime, Guid.NewGuid(), ApprovalOutcome.Rejected, "director.dana", Monday0905.AddHours(6));
        Assert.Equal([typeof(ExceptionCase.Event.ApprovalDecided), typeof(ExceptionCase.Event.Closed)], decided.Select(e => e.GetType()));
    }

    [Fact]
    public void An_action_verified_twice_or_unknown_to_the_case_changes_nothing()
    {
        var state = WithEveryActionVerified(WithEveryActionCreated(Responding()));
        var first = state.Actions[0];
        Assert.Empty(CaseDecisions.CloseAction(state, first.RequestId, first.ActionId!.Value, ResponseStatus.Verified, "qa", Monday0905));
        Assert.Empty(CaseDecisions.CloseAction(state, Guid.NewGuid(), Guid.NewGuid(), ResponseStatus.Verified, "qa", Monday0905));
        Assert.Empty(CaseDecisions.LinkAction(state, first.RequestId, Guid.NewGuid(), Monday0905));
    }

    [Fact]
    public void An_unanswered_case_climbs_the_ladder_one_rung_per_breach()
    {
        var state = Responding();
        var first = Assert.IsType<ExceptionCase.Event.Escalated>(Assert.Single(CaseDecisions.Escalate(state, 1, Ladder, Monday0905.AddHours(4))));
        Assert.Equal((1, "production-manager"), (first.Level, first.NotifyRole));
        state = Then(state, [first]);
        Assert.Empty(CaseDecisions.Escalate(state, 1, Ladder, Monday0905.AddHours(4))); // the same timer fired twice
        Assert.Equal("plant-manager", Assert.IsType<ExceptionCase.Event.Escalated>(Assert.Single(CaseDecisions.Escalate(state, 2, Ladder, Monday0905.AddHours(8)))).NotifyRole);
    }

    [Fact]
    public void A_resolved_case_or_an_exhausted_ladder_escalates_no_further()
    {
        var resolved = Then(Responding(), CaseDecisions.Resolve(Responding(), "running", Monday0905.AddHours(1)));
        Assert.Empty(CaseDecisions.Escalate(resolved, 1, Ladder, Monday0905.AddHours(4)));
        var top = Given(new ExceptionCase.Event.Escalated(CaseId, 3, "operations-director", Severity.High, Monday0905)) with { Status = CaseStatus.Responding };
        Assert.Empty(CaseDecisions.Escalate(top, 4, Ladder, Monday0905.AddHours(16)));
    }

    [Fact]
    public void A_second_all_clear_for_a_resolved_case_changes_nothing()
    {
        var resolved = Then(Responding(), CaseDecisions.Resolve(Responding(), "running", Monday0905.AddHours(1)));
        Assert.Empty(CaseDecisions.Resolve(resolved, "running", Monday0905.AddHours(2)));
    }

    [Fact]
    public void A_site_approval_row_replaces_the_corporate_rows_for_that_kind()
    {
        var table = new RoutingTable(RoutingTable.DefaultRules,
            [.. RoutingTable.DefaultApprovals, new ApprovalRule("MI-FLINT", CaseKind.QualityHold, Severity.Medium, "scrap", "Scrap held material")]);
        Assert.Equal(["scrap"], table.ApprovalsFor("MI-FLINT", CaseKind.QualityHold, Severity.High).Select(a => a.SubjectType));
        Assert.Equal(["deviation"], table.ApprovalsFor("OH-DAYTON", CaseKind.QualityHold, Severity.High).Select(a => a.SubjectType));
        Assert.Empty(table.ApprovalsFor("OH-DAYTON", CaseKind.QualityHold, Severity.Medium));
    }

    [Fact]
    public void Site_detection_rules_replace_the_corporate_ones_and_pick_the_delay_by_reason_code()
    {
        var options = new ExceptionsOptions
        {
            Detection = new DetectionRules { MachineDownAfter = TimeSpan.FromMinutes(5) },
            SiteDetection = { ["TN-SMYRNA"] = new DetectionRules { MachineDownAfterByReasonCode = { ["CHANGEOVER"] = TimeSpan.FromMinutes(45) } } },
        };
        Assert.Equal(TimeSpan.FromMinutes(45), options.DetectionFor("TN-SMYRNA").MachineDownDelay("CHANGEOVER"));
        Assert.Equal(TimeSpan.Zero, options.DetectionFor("TN-SMYRNA").MachineDownDelay("SP-101"));
        Assert.Equal(TimeSpan.FromMinutes(5), options.DetectionFor("OH-DAYTON").MachineDownDelay("CHANGEOVER"));
    }

    [Fact]
    public void The_SLA_depends_on_severity_and_the_ladder_on_the_site()
    {
        var sla = new SlaRules { SiteLadders = { ["MI-FLINT"] = ["shift-lead", "plant-manager"] } };
        Assert.Equal(TimeSpan.FromHours(2), sla.For(Severity.Critical));
        Assert.Equal(TimeSpan.FromHours(4), sla.For(Severity.High));
        Assert.Equal(["shift-lead", "plant-manager"], sla.LadderFor("MI-FLINT"));
        Assert.Equal(Ladder, sla.LadderFor("OH-DAYTON"));
    }
}
