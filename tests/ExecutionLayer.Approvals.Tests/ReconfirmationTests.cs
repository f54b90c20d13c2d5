using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// A policy may say how far the data may move before an approver must confirm on the data now: the overtime for CNC-4 is
/// re-confirmed when value at risk rises more than 25 %, a new customer is affected, or the machine runs again.
/// </summary>
public sealed class ReconfirmationTests
{
    private static readonly ReconfirmRule Rule = new(ValueAtRiskUpPercent: 25m, NewCustomer: true, Cleared: true);

    private static JsonElement Impact(decimal valueAtRisk, params string[] customers) => JsonSerializer.SerializeToElement(new
    {
        caseSummary = "CNC-4 down (spindle fault)", productionOrders = new[] { "PR-77" }, valueAtRisk,
        commitments = customers.Select(c => new { customer = c }),
    });

    private static readonly ApprovalRequest Asked = Given.Request(ApprovalDecisions.Request(
        ApprovalRequest.Initial, Request() with { DecisionContext = Impact(52_000m, "Acme Axles") }, Version(Policy() with { Reconfirm = Rule }), At(AskedAt)));

    private static IReadOnlyList<ApprovalRequest.Event> Approve(LiveContextAnswer? live, string? confirmed = null) =>
        ApprovalDecisions.Decide(Asked, new DecideStage(0, 0, PlantManager, null, Verdict.Approve, null, DecisionChannel.Link, null, live, confirmed), At(AskedAt.AddHours(3)));

    [Fact]
    public void The_rule_is_carried_on_the_request_from_the_policy_version_that_routed_it() => Assert.Equal(Rule, Asked.Reconfirm);

    [Fact]
    public void Value_at_risk_doubling_refuses_the_decision_until_the_approver_confirms_on_the_data_now()
    {
        var now = new LiveContextAnswer(Impact(104_000m, "Acme Axles"), false, null);

        var refused = Assert.Throws<InvalidStateException>(() => Approve(now));
        Assert.Equal(ApprovalDecisions.ContextChanged, refused.Rule);
        Assert.Equal(ContextSeen.Digest(now.Context!.Value), refused.Facts["liveDigest"]);
        Assert.Equal(["Value at risk is up 100 % since the request (the policy allows 25 %)."], (IReadOnlyList<string>)refused.Facts["reasons"]!);

        var recorded = Approve(now, confirmed: ContextSeen.Digest(now.Context.Value)).Single<ApprovalRequest.Event.DecisionRecorded>();
        Assert.Equal(refused.Facts["reasons"], recorded.Context!.ConfirmedPast);
        Assert.Single(Approve(now, confirmed: ContextSeen.Digest(now.Context.Value)).OfType<ApprovalRequest.Event.Granted>());
    }

    [Fact]
    public void A_confirmation_given_on_an_earlier_picture_does_not_carry_over_to_a_later_one()
    {
        var seenThen = ContextSeen.Digest(Impact(104_000m, "Acme Axles"));
        var worseStill = new LiveContextAnswer(Impact(156_000m, "Acme Axles"), false, null);
        Assert.Equal(ApprovalDecisions.ContextChanged, Assert.Throws<InvalidStateException>(() => Approve(worseStill, seenThen)).Rule);
    }

    [Fact]
    public void The_machine_running_again_or_a_new_customer_each_ask_for_confirmation()
    {
        var cleared = Assert.Throws<InvalidStateException>(() => Approve(new LiveContextAnswer(Impact(0m), true, null)));
        Assert.Contains("The deviation has cleared since the request.", (IReadOnlyList<string>)cleared.Facts["reasons"]!);

        var birch = Assert.Throws<InvalidStateException>(() => Approve(new LiveContextAnswer(Impact(52_000m, "Acme Axles", "Birch Brakes"), false, null)));
        Assert.Equal(["Customers affected since the request: Birch Brakes."], (IReadOnlyList<string>)birch.Facts["reasons"]!);
    }

    [Fact]
    public void Drift_within_the_rule_needs_no_confirmation_and_is_still_recorded()
    {
        var recorded = Approve(new LiveContextAnswer(Impact(60_000m, "Acme Axles"), false, null)).Single<ApprovalRequest.Event.DecisionRecorded>();
        Assert.Equal(15.4m, recorded.Context!.Drift!.ValueAtRiskChangePercent);
        Assert.Null(recorded.Context.ConfirmedPast);
    }

    [Fact]
    public void With_the_owner_down_there_is_nothing_to_confirm_on_and_the_decision_goes_on_the_frozen_context()
    {
        var recorded = Approve(LiveContextAnswer.None("The exceptions service did not answer for case 7.")).Single<ApprovalRequest.Event.DecisionRecorded>();
        Assert.False(recorded.Context!.Live);
        Assert.Equal("The exceptions service did not answer for case 7.", recorded.Context.Unavailable);
    }

    [Fact]
    public void A_rule_that_asks_nothing_or_a_negative_percentage_is_refused_when_published()
    {
        Assert.Contains("reconfirm", (Policy() with { Reconfirm = new ReconfirmRule() }).Validate(null).Keys);
        Assert.Contains("reconfirm.valueAtRiskUpPercent", (Policy() with { Reconfirm = new ReconfirmRule(ValueAtRiskUpPercent: -5m) }).Validate(null).Keys);
        Assert.Empty((Policy() with { Reconfirm = Rule }).Validate(null));
    }
}
