using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

public class StageDecisionTests
{
    private static readonly ApproverRef Quality = new(Role: "quality");
    private static readonly (string, string, string[]) ThreeQualityEngineers = ("OH-DAYTON", "quality", ["quinn", "quentin", "qiana"]);

    private static ApprovalRequest Requested(PolicyDefinition policy, RequestApproval? request = null) =>
        Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, request ?? Request(), Version(policy), At(AskedAt, Directory(ThreeQualityEngineers))));

    private static DecideStage By(string actor, Verdict verdict = Verdict.Approve, int stage = 0, int level = 0, string? onBehalfOf = null) =>
        new(stage, level, actor, onBehalfOf, verdict, null, DecisionChannel.Link, Guid.NewGuid());

    private static IReadOnlyList<ApprovalRequest.Event> Decide(ApprovalRequest state, DecideStage command) =>
        ApprovalDecisions.Decide(state, command, At(AskedAt.AddHours(1), Directory(ThreeQualityEngineers)));

    [Fact]
    public void The_plant_manager_approving_the_only_stage_grants_the_request_with_its_follow_ups()
    {
        var events = Decide(Requested(Policy()), By(PlantManager));

        var granted = events.Single<ApprovalRequest.Event.Granted>();
        Assert.Equal(PlantManager, granted.DecidedBy);
        Assert.Equal("Staff the Saturday shift", Assert.Single(granted.FollowUps).Title);
        Assert.Equal(TimeSpan.FromHours(1), events.Single<ApprovalRequest.Event.StageDecided>().DecidedAt - events.Single<ApprovalRequest.Event.StageDecided>().OpenedAt);
    }

    [Fact]
    public void Quorum_of_all_needs_every_approver()
    {
        var state = Requested(Policy(approvers: [Quality], quorum: new Quorum(QuorumKind.All)));

        state = state.After(Decide(state, By("quinn")));
        state = state.After(Decide(state, By("quentin")));
        Assert.Equal(ApprovalStatus.Pending, state.Status);

        Assert.Equal(ApprovalStatus.Granted, state.After(Decide(state, By("qiana"))).Status);
    }

    [Fact]
    public void Quorum_of_two_of_three_is_granted_on_the_second_approval_and_rejected_once_it_cannot_be_reached()
    {
        var policy = Policy(approvers: [Quality], quorum: new Quorum(QuorumKind.NOfM, 2));

        var approving = Requested(policy);
        approving = approving.After(Decide(approving, By("quinn")));
        Assert.Equal(ApprovalStatus.Granted, approving.After(Decide(approving, By("qiana"))).Status);

        var rejecting = Requested(policy);
        rejecting = rejecting.After(Decide(rejecting, By("quinn", Verdict.Reject)));
        Assert.Equal(ApprovalStatus.Pending, rejecting.Status);
        var events = Decide(rejecting, By("qiana", Verdict.Reject));
        Assert.Equal("qiana", events.Single<ApprovalRequest.Event.Rejected>().DecidedBy);
    }

    [Fact]
    public void Any_one_rejection_under_a_quorum_of_all_rejects_the_request()
    {
        var state = Requested(Policy(approvers: [Quality], quorum: new Quorum(QuorumKind.All)));

        Assert.Equal(ApprovalStatus.Rejected, state.After(Decide(state, By("quentin", Verdict.Reject))).Status);
    }

    [Fact]
    public void Approving_a_stage_opens_the_next_one_with_its_own_approvers()
    {
        var twoStages = new PolicyDefinition("Overtime", new PolicyMatch(["overtime"]),
            [
                new StageRule("Plant manager", [PlantManagerRole], new Quorum(QuorumKind.Any), "PT4H", []),
                new StageRule("Director", [DirectorRole], new Quorum(QuorumKind.Any), "PT8H", []),
            ], "P2D");
        var state = Requested(twoStages);

        var events = Decide(state, By(PlantManager));

        var opened = events.Single<ApprovalRequest.Event.StageOpened>();
        Assert.Equal((1, Director), (opened.Stage, Assert.Single(opened.Approvers)));
        Assert.Empty(events.OfType<ApprovalRequest.Event.Granted>());
    }

    [Fact]
    public void An_approver_decides_a_stage_once()
    {
        var state = Requested(Policy(approvers: [Quality], quorum: new Quorum(QuorumKind.All)));
        state = state.After(Decide(state, By("quinn")));

        Assert.Throws<InvalidStateException>(() => Decide(state, By("quinn", Verdict.Reject)));
    }

    [Fact]
    public void Nobody_approves_their_own_request_even_when_the_policy_names_them()
    {
        var state = Requested(Policy(approvers: [new ApproverRef(Person: Planner), PlantManagerRole]));

        var error = Assert.Throws<RuleViolationException>(() => Decide(state, By(Planner)));
        Assert.Equal("own-request", error.Rule);
    }

    [Fact]
    public void Someone_who_is_not_an_approver_of_the_stage_cannot_decide_it()
    {
        var error = Assert.Throws<RuleViolationException>(() => Decide(Requested(Policy()), By("someone.else")));
        Assert.Equal("not-an-approver", error.Rule);
    }

    [Fact]
    public void A_decision_on_a_closed_request_is_a_conflict()
    {
        var state = Requested(Policy());
        state = state.After(Decide(state, By(PlantManager)));

        Assert.Throws<InvalidStateException>(() => Decide(state, By(PlantManager)));
    }

    [Fact]
    public void A_link_for_a_level_the_stage_has_left_is_a_conflict()
    {
        var state = Requested(Policy());
        state = state.After(ApprovalDecisions.Escalate(state, 0, 0, EscalationTrigger.Timer, null, At(AskedAt.AddHours(4))));

        Assert.Throws<InvalidStateException>(() => Decide(state, By(PlantManager, level: 0)));
    }

    [Fact]
    public void Only_the_requester_withdraws()
    {
        var state = Requested(Policy());

        Assert.Equal("only-requester-withdraws", Assert.Throws<RuleViolationException>(() => ApprovalDecisions.Withdraw(state, PlantManager, "no", AskedAt)).Rule);
        Assert.Equal(Planner, ApprovalDecisions.Withdraw(state, Planner, "machine fixed", AskedAt).Single<ApprovalRequest.Event.Withdrawn>().WithdrawnBy);
    }
}
