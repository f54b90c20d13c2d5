using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

public class DelegationTests
{
    private static readonly TimeSpan AWeek = TimeSpan.FromDays(7);
    private static readonly ActiveDelegation PatToDeputy = Delegation(PlantManager, "dee.deputy", Monday, AWeek, "overtime");

    private static IReadOnlyList<Delegating.Delegation.Event> Grant(ActiveDelegation grant, params ActiveDelegation[] others) =>
        Delegating.Delegation.Grant(Delegating.Delegation.Initial, grant, others, "admin", null, Monday);

    [Fact]
    public void A_delegation_to_oneself_is_refused()
    {
        Assert.Equal("self-delegation", Assert.Throws<RuleViolationException>(() => Grant(Delegation(PlantManager, PlantManager, Monday, AWeek))).Rule);
    }

    [Fact]
    public void A_delegation_closing_a_loop_is_refused_and_names_the_loop()
    {
        var ab = Delegation("a", "b", Monday, AWeek);
        var bc = Delegation("b", "c", Monday, AWeek);

        var error = Assert.Throws<RuleViolationException>(() => Grant(Delegation("c", "a", Monday, AWeek), ab, bc));

        Assert.Equal("delegation-loop", error.Rule);
        Assert.Contains("c → a → b → c", error.Message);
    }

    [Fact]
    public void Delegations_that_are_never_in_force_together_form_no_loop()
    {
        var ab = Delegation("a", "b", Monday, AWeek);

        Assert.Single(Grant(Delegation("b", "a", Monday + AWeek, AWeek), ab));
        Assert.Single(Grant(Delegation("b", "a", Monday, AWeek, "expedite"), ab with { SubjectTypes = ["overtime"] }));
    }

    [Fact]
    public void The_plant_managers_delegate_is_notified_too_and_decides_in_his_seat()
    {
        var world = At(AskedAt, null, PatToDeputy);
        var events = ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), world);

        var delegated = events.Single<ApprovalRequest.Event.StageDelegated>();
        Assert.Equal((PlantManager, "dee.deputy"), (delegated.From, delegated.To));
        Assert.Contains(events.OfType<ApprovalRequest.Event.ApproverNotified>(), n => n is { Approver: "dee.deputy", OnBehalfOf: PlantManager });

        var state = Given.Request(events);
        var decided = ApprovalDecisions.Decide(state, new DecideStage(0, 0, "dee.deputy", PlantManager, Verdict.Approve, null, DecisionChannel.Link, null), world);
        var recorded = decided.Single<ApprovalRequest.Event.DecisionRecorded>();
        Assert.Equal(("dee.deputy", PlantManager), (recorded.DecidedBy, recorded.OnBehalfOf));
        Assert.Single(decided.OfType<ApprovalRequest.Event.Granted>());
    }

    [Fact]
    public void The_seat_is_decided_once_whether_by_the_approver_or_the_delegate()
    {
        var world = At(AskedAt, null, PatToDeputy);
        var state = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy(quorum: new(Policies.QuorumKind.All))), world));
        var deputyRejects = ApprovalDecisions.Decide(state, new DecideStage(0, 0, "dee.deputy", PlantManager, Verdict.Reject, null, DecisionChannel.Link, null), world);

        Assert.Throws<InvalidStateException>(() => ApprovalDecisions.Decide(state.After(deputyRejects),
            new DecideStage(0, 0, PlantManager, null, Verdict.Approve, null, DecisionChannel.Link, null), world));
    }

    [Fact]
    public void Delegation_does_not_cascade()
    {
        var deputyToIntern = Delegation("dee.deputy", "ian.intern", Monday, AWeek);
        var world = At(AskedAt, null, PatToDeputy, deputyToIntern);
        var events = ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), world);

        Assert.DoesNotContain(events.OfType<ApprovalRequest.Event.ApproverNotified>(), n => n.Approver == "ian.intern");
        var state = Given.Request(events);
        Assert.Throws<RuleViolationException>(() =>
            ApprovalDecisions.Decide(state, new DecideStage(0, 0, "ian.intern", PlantManager, Verdict.Approve, null, DecisionChannel.Link, null), world));
    }

    [Fact]
    public void A_delegation_to_the_requester_is_not_used_nor_can_the_requester_decide_through_it()
    {
        var patToPlanner = Delegation(PlantManager, Planner, Monday, AWeek);
        var world = At(AskedAt, null, patToPlanner);
        var events = ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), world);

        Assert.Empty(events.OfType<ApprovalRequest.Event.StageDelegated>());
        var error = Assert.Throws<RuleViolationException>(() => ApprovalDecisions.Decide(Given.Request(events),
            new DecideStage(0, 0, Planner, PlantManager, Verdict.Approve, null, DecisionChannel.Link, null), world));
        Assert.Equal("own-request", error.Rule);
    }

    [Fact]
    public void A_delegation_out_of_scope_or_out_of_time_lets_nobody_decide()
    {
        var expedites = Delegation(PlantManager, "dee.deputy", Monday, AWeek, "expedite");
        var lastWeek = Delegation(PlantManager, "dee.deputy", Monday - AWeek, AWeek);
        foreach (var delegation in new[] { expedites, lastWeek })
        {
            var world = At(AskedAt, null, delegation);
            var state = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), world));
            Assert.Equal("delegation-not-in-force", Assert.Throws<RuleViolationException>(() => ApprovalDecisions.Decide(state,
                new DecideStage(0, 0, "dee.deputy", PlantManager, Verdict.Approve, null, DecisionChannel.Link, null), world)).Rule);
        }
    }
}
