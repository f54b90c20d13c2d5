using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

public class EscalationDecisionTests
{
    private static readonly ApprovalRequest Asked = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), At(AskedAt)));

    private static readonly DateTimeOffset FourHoursLater = AskedAt.AddHours(4);

    [Fact]
    public void Unanswered_for_four_hours_the_stage_is_reassigned_to_the_director_who_is_notified()
    {
        var events = ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater));

        var escalated = events.Single<ApprovalRequest.Event.StageEscalated>();
        Assert.Equal((1, EscalationTrigger.Timer, null), (escalated.Level, escalated.Trigger, escalated.EscalatedBy));
        Assert.Equal([Director], escalated.Approvers);
        var notified = events.Single<ApprovalRequest.Event.ApproverNotified>();
        Assert.True(notified.Escalation);
        Assert.Equal((Director, 1), (notified.Approver, notified.Level));
    }

    [Fact]
    public void The_director_decides_the_escalated_stage_alone_and_grants_it()
    {
        var escalated = Asked.After(ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater)));

        var events = ApprovalDecisions.Decide(escalated, new DecideStage(0, 1, Director, null, Verdict.Approve, null, DecisionChannel.Link, null),
            At(AskedAt.AddHours(4).AddMinutes(34)));

        Assert.Equal(Director, events.Single<ApprovalRequest.Event.Granted>().DecidedBy);
    }

    [Fact]
    public void A_timer_for_a_stage_that_has_moved_on_is_stale_and_records_nothing()
    {
        var decided = Asked.After(ApprovalDecisions.Decide(Asked, new DecideStage(0, 0, PlantManager, null, Verdict.Approve, null, DecisionChannel.Link, null),
            At(AskedAt.AddHours(1))));
        var escalated = Asked.After(ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater)));

        Assert.Empty(ApprovalDecisions.Escalate(decided, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater)));
        Assert.Empty(ApprovalDecisions.Escalate(escalated, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater)));
    }

    [Fact]
    public void At_the_top_of_the_chain_a_timer_does_nothing_and_a_person_is_told_there_is_no_higher_level()
    {
        var top = Asked.After(ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Timer, null, At(FourHoursLater)));

        Assert.Empty(ApprovalDecisions.Escalate(top, 0, 1, EscalationTrigger.Timer, null, At(FourHoursLater.AddHours(4))));
        Assert.Equal("no-higher-level",
            Assert.Throws<RuleViolationException>(() => ApprovalDecisions.Escalate(top, 0, 1, EscalationTrigger.Person, Planner, At(FourHoursLater))).Rule);
    }

    [Fact]
    public void The_requester_may_escalate_by_hand_and_the_event_says_who()
    {
        var events = ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Person, Planner, At(AskedAt.AddHours(1)));

        var escalated = events.Single<ApprovalRequest.Event.StageEscalated>();
        Assert.Equal((EscalationTrigger.Person, Planner), (escalated.Trigger, escalated.EscalatedBy));
    }

    [Fact]
    public void Someone_uninvolved_cannot_escalate()
    {
        Assert.Equal("not-involved", Assert.Throws<RuleViolationException>(() =>
            ApprovalDecisions.Escalate(Asked, 0, 0, EscalationTrigger.Person, "someone.else", At(AskedAt.AddHours(1)))).Rule);
    }

    [Fact]
    public void An_undecided_request_expires_at_the_policy_expiry_and_not_before()
    {
        Assert.Empty(ApprovalDecisions.Expire(Asked, AskedAt.AddDays(2).AddSeconds(-1)));
        Assert.Single(ApprovalDecisions.Expire(Asked, AskedAt.AddDays(2)).OfType<ApprovalRequest.Event.Expired>());
    }
}
