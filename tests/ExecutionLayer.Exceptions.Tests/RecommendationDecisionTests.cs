using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// Monday 09:20 at Dayton: the planning assistant, seeing CNC-4 down and the bar stock short, proposes to expedite PO-4410 (USD 1,200
/// of freight) so SO-1001 ships by Friday. Dayton lets expedites of up to USD 2,000 through when the assistant is at least 80% sure.
/// </summary>
public sealed class RecommendationDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 20, 0, TimeSpan.Zero);
    private static readonly Guid Id = ReceiveRecommendation.IdFor("planning-assistant", "rec-1");
    private static readonly RecommendationSource Assistant = new("planning-assistant", "copilot-plan", "2026.11");
    private static readonly ProposedAction Expedite = new(ProposedActionKind.ExpeditePurchaseOrder, PurchaseOrderId: "PO-4410", NeedBy: Now.AddDays(1), Cost: 1_200m);
    private static readonly ProposedAction Overtime = new(ProposedActionKind.AddOvertime, WorkCenter: "CNC-5", On: Now.AddDays(1), Hours: 8, Cost: 1_800m);
    private static readonly Impact Acme = new(["PR-77"], [], ["SH-900"], [new AffectedCommitment("SO-1001", "Acme Axles", Now.AddDays(4), 48_000m, "USD")]);

    private static readonly RecommendationRule ExpediteRule = new("OH-DAYTON", ProposedActionKind.ExpeditePurchaseOrder, 2_000m, 0.8m, "recommendation.expedite", 3);

    private static ReceiveRecommendation Recommend(decimal confidence = 0.85m, params ProposedAction[] actions) => new(
        Id, "rec-1", "OH-DAYTON", Assistant, actions.Length > 0 ? actions : [Expedite], new ExpectedEffect(SalesOrderId: "SO-1001"), confidence, "USD",
        [new RecommendationEvidence("PO-4410 ETA", "Thursday")], null, Now.AddHours(24), "planning-assistant");

    private static RecommendationSituation World(params RecommendationRule[] rules) =>
        new(rules.ToDictionary(r => r.Kind), Acme, function => function == "procurement" ? "buyer" : "production-planner", Now);

    private static Recommendation Given(params Recommendation.Event[] events) => events.Aggregate(Recommendation.Initial, (s, e) => s.Apply(e));

    private static Recommendation Routed(params ProposedAction[] actions)
    {
        var events = RecommendationDecisions.Receive(Recommendation.Initial, Recommend(0.85m, actions), World());
        return Given([.. events]);
    }

    [Fact]
    public void An_expedite_under_the_limit_from_a_sure_enough_assistant_is_accepted_by_the_rule_at_its_version()
    {
        var events = RecommendationDecisions.Receive(Recommendation.Initial, Recommend(), World(ExpediteRule));

        Assert.IsType<Recommendation.Event.Received>(events[0]);
        var accepted = Assert.IsType<Recommendation.Event.Accepted>(events[1]);
        Assert.Equal((Recommendation.PolicyActor, (Guid?)null), (accepted.AcceptedBy, accepted.ApprovalId));
        Assert.Equal([new AppliedRule(ProposedActionKind.ExpeditePurchaseOrder, 3, 2_000m, 0.8m)], accepted.Rules);
        var work = Assert.Single(accepted.Work);
        Assert.Equal(("Expedite purchase order PO-4410 to arrive by 2026-11-24", "procurement", "buyer"), (work.Title, work.Function, work.OwnerRole));
        Assert.Contains("accepted by the site's recommendation policy (expedite-purchase-order v3)", work.Description);
    }

    [Fact]
    public void An_expedite_above_the_limit_goes_to_people_under_the_rules_subject_type_saying_why()
    {
        var events = RecommendationDecisions.Receive(Recommendation.Initial, Recommend(0.85m, Expedite with { Cost = 2_500m }), World(ExpediteRule));

        var routed = Assert.IsType<Recommendation.Event.RoutedForApproval>(events[1]);
        Assert.Equal(("recommendation.expedite", RecommendationDecisions.ApprovalRequestIdFor(Id)), (routed.SubjectType, routed.RequestId));
        Assert.Equal(["expedite-purchase-order: 2500 USD is above the 2000 the rule (v3) accepts."], routed.Why);
        Assert.Equal((2_500m, "USD", "High"), (routed.Amount, routed.Currency, routed.Severity));
        Assert.Equal(["PR-77"], routed.Impact.ProductionOrders);
    }

    [Fact]
    public void An_assistant_less_sure_than_the_rule_asks_goes_to_people()
    {
        var routed = Assert.IsType<Recommendation.Event.RoutedForApproval>(
            RecommendationDecisions.Receive(Recommendation.Initial, Recommend(0.62m), World(ExpediteRule))[1]);
        Assert.Equal(["expedite-purchase-order: confidence 0.62 is below the 0.8 the rule (v3) asks."], routed.Why);
    }

    [Fact]
    public void A_kind_without_a_rule_goes_to_people_and_the_costliest_kind_names_the_decision()
    {
        var routed = Assert.IsType<Recommendation.Event.RoutedForApproval>(
            RecommendationDecisions.Receive(Recommendation.Initial, Recommend(0.9m, Expedite, Overtime), World(ExpediteRule))[1]);
        Assert.Equal(["add-overtime: no rule of the recommendation policy at OH-DAYTON."], routed.Why);
        Assert.Equal("recommendation.add-overtime", routed.SubjectType);
        Assert.Equal(3_000m, routed.Amount);
    }

    [Fact]
    public void Posting_the_same_recommendation_again_changes_nothing_but_the_same_id_with_other_content_is_a_conflict()
    {
        var state = Given([.. RecommendationDecisions.Receive(Recommendation.Initial, Recommend(), World(ExpediteRule))]);
        Assert.Empty(RecommendationDecisions.Receive(state, Recommend(), World(ExpediteRule)));
        var conflict = Assert.Throws<InvalidStateException>(() => RecommendationDecisions.Receive(state, Recommend(0.5m), World(ExpediteRule)));
        Assert.Equal("id-reused", conflict.Rule);
    }

    [Fact]
    public void A_recommendation_that_expired_before_it_arrived_is_refused() =>
        Assert.Equal("expired", Assert.Throws<RuleViolationException>(() => RecommendationDecisions.Receive(Recommendation.Initial,
            Recommend() with { ExpiresAt = Now.AddMinutes(-1) }, World(ExpediteRule))).Rule);

    [Fact]
    public void Granted_by_a_person_it_is_accepted_by_them_with_the_work_for_each_function()
    {
        var state = Routed(Expedite, Overtime);
        var approvalId = Guid.NewGuid();
        var accepted = Assert.IsType<Recommendation.Event.Accepted>(Assert.Single(RecommendationDecisions.Decided(
            state, RecommendationStatus.Accepted, approvalId, "pat.plant", null, f => f == "procurement" ? "buyer" : "production-planner", Now.AddHours(1))));

        Assert.Equal(("pat.plant", approvalId), (accepted.AcceptedBy, (Guid)accepted.ApprovalId!));
        Assert.Equal([("procurement", "buyer"), ("production-planning", "production-planner")], accepted.Work.Select(w => (w.Function, w.OwnerRole)));
        Assert.Equal(2, accepted.Work.Select(w => w.RequestId).Distinct().Count());
        Assert.Equal(RecommendationStatus.Accepted, state.Apply(accepted).Status);
    }

    [Fact]
    public void Accepted_modified_an_action_left_out_is_not_done_and_one_changed_is_done_as_changed()
    {
        var state = Routed(Expedite, Overtime);
        var accepted = Assert.IsType<Recommendation.Event.Accepted>(Assert.Single(RecommendationDecisions.Decided(state, RecommendationStatus.Accepted, Guid.NewGuid(),
            "pat.plant", null, _ => "buyer", Now.AddHours(1), [new ActionAmendment(1, true, null, null, null, null), new ActionAmendment(0, false, 900m, null, null, Now.AddDays(2))])));

        var work = Assert.Single(accepted.Work);
        Assert.Equal((0, 900m, Now.AddDays(2)), (work.Index, work.Action.Cost!.Value, work.Action.NeedBy!.Value));
        Assert.Equal("Expedite purchase order PO-4410 to arrive by 2026-11-25", work.Title);
        Assert.Contains("accepted with changes by pat.plant", work.Description);
        var after = state.Apply(accepted);
        Assert.True(after.Decision!.Modified);
        Assert.Equal("accepted modified by pat.plant", after.Decision.Outcome);
    }

    [Fact]
    public void Rejected_with_a_reason_nothing_is_done_and_a_late_grant_changes_nothing()
    {
        var state = Routed();
        var rejected = Assert.IsType<Recommendation.Event.NotAccepted>(Assert.Single(RecommendationDecisions.Decided(
            state, RecommendationStatus.Rejected, Guid.NewGuid(), "pat.plant", "Supplier cannot ship before Thursday anyway", _ => "x", Now)));
        var after = state.Apply(rejected);

        Assert.Equal(RecommendationStatus.Rejected, after.Status);
        Assert.Equal("rejected by pat.plant: Supplier cannot ship before Thursday anyway", after.Decision!.Outcome);
        Assert.Empty(after.Work);
        Assert.Empty(RecommendationDecisions.Decided(after, RecommendationStatus.Accepted, Guid.NewGuid(), "lee.ops", null, _ => "x", Now));
    }

    [Fact]
    public void Its_actions_are_followed_from_created_to_started_to_verified_once_each()
    {
        var received = RecommendationDecisions.Receive(Recommendation.Initial, Recommend(), World(ExpediteRule));
        var state = Given([.. received]);
        var request = state.Work.Single().Accepted.RequestId;
        var actionId = Guid.NewGuid();

        state = Given([.. received, .. RecommendationDecisions.LinkAction(state, request, actionId, Now)]);
        Assert.Empty(RecommendationDecisions.LinkAction(state, request, actionId, Now));
        state = state.Apply(Assert.Single(RecommendationDecisions.StartAction(state, request, actionId, "buyer.bo", Now.AddHours(1))));
        Assert.Empty(RecommendationDecisions.StartAction(state, request, actionId, "buyer.bo", Now.AddHours(2)));
        state = state.Apply(Assert.Single(RecommendationDecisions.CloseAction(state, request, actionId, true, "lee.ops", Now.AddDays(1))));
        Assert.Empty(RecommendationDecisions.CloseAction(state, request, actionId, false, "actions", Now.AddDays(2)));

        var work = state.Work.Single();
        Assert.Equal((WorkStatus.Verified, Now.AddHours(1), Now.AddDays(1)), (work.Status, work.StartedAt!.Value, work.ClosedAt!.Value));
        Assert.Empty(RecommendationDecisions.LinkAction(state, Guid.NewGuid(), actionId, Now));
    }

    /// <summary>Accepted to bring scrap down 1.5 points within 14 days, with two actions, both started.</summary>
    private static (Recommendation State, Guid First, Guid Second) ScrapRecommendation()
    {
        var received = RecommendationDecisions.Receive(Recommendation.Initial, Recommend(0.85m, Expedite, Expedite with { PurchaseOrderId = "PO-4411" }) with
        {
            Effect = new ExpectedEffect(Kpi: "scrap-rate", Change: -1.5m, WithinDays: 14),
        }, World(ExpediteRule with { AutoAcceptUpTo = 5_000m }));
        var state = Given([.. received]);
        var (first, second) = (state.Work[0].Accepted.RequestId, state.Work[1].Accepted.RequestId);
        foreach (var (request, hours) in new[] { (first, 1), (second, 3) })
            state = state.Apply(RecommendationDecisions.StartAction(state, request, Guid.NewGuid(), "bo.buyer", Now.AddHours(hours)).Single());
        return (state, first, second);
    }

    private static Recommendation Apply(Recommendation state, IReadOnlyList<Recommendation.Event> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    [Fact]
    public void Its_kpi_effect_is_judged_when_the_last_verified_action_is_judged_from_the_first_baseline_to_the_best_value()
    {
        var (state, first, second) = ScrapRecommendation();
        Assert.Equal(Now.AddHours(3), state.ExecutedAt);
        state = Apply(state, RecommendationDecisions.CloseAction(state, first, Guid.NewGuid(), true, "lee.ops", Now.AddDays(1)));
        state = Apply(state, RecommendationDecisions.AssessAction(state, first, Guid.NewGuid(), "scrap-rate", 4.0m, 3.1m, Now.AddDays(1), Now.AddDays(15)));
        Assert.Null(state.Judgement);
        state = Apply(state, RecommendationDecisions.CloseAction(state, second, Guid.NewGuid(), true, "lee.ops", Now.AddDays(2)));
        Assert.Null(state.Judgement);
        Assert.Empty(RecommendationDecisions.AssessAction(state, second, Guid.NewGuid(), "otd", 90m, 95m, Now.AddDays(2), Now.AddDays(16)));

        var events = RecommendationDecisions.AssessAction(state, second, Guid.NewGuid(), "scrap-rate", 3.6m, 2.2m, Now.AddDays(2), Now.AddDays(16));
        var judged = Assert.IsType<Recommendation.Event.Judged>(events[1]);
        Assert.Equal((RecommendationOutcome.CameTrue, -1.5m, -1.8m, 4.0m, 2.2m), (judged.Outcome, judged.Expected!.Value, judged.Realised!.Value, judged.Baseline!.Value, judged.Value!.Value));
        Assert.Equal("scrap-rate moved -1.8 (4 → 2.2) against -1.5 expected.", judged.Basis);
        Assert.Empty(RecommendationDecisions.AssessAction(Apply(state, events), second, Guid.NewGuid(), "scrap-rate", 3.6m, 2.0m, Now.AddDays(2), Now.AddDays(17)));
    }

    [Fact]
    public void A_kpi_that_moved_less_than_expected_did_not_come_true_and_one_never_read_cannot_be_told()
    {
        var (state, first, second) = ScrapRecommendation();
        state = Apply(state, RecommendationDecisions.CloseAction(state, second, Guid.NewGuid(), false, "actions", Now.AddDays(1)));
        state = Apply(state, RecommendationDecisions.CloseAction(state, first, Guid.NewGuid(), true, "lee.ops", Now.AddDays(1)));
        var tooLittle = RecommendationDecisions.AssessAction(state, first, Guid.NewGuid(), "scrap-rate", 4.0m, 3.5m, Now.AddDays(1), Now.AddDays(15));
        Assert.Equal((RecommendationOutcome.DidNotComeTrue, -0.5m), (Assert.IsType<Recommendation.Event.Judged>(tooLittle[1]).Outcome, ((Recommendation.Event.Judged)tooLittle[1]).Realised!.Value));

        var unread = RecommendationDecisions.AssessAction(state, first, Guid.NewGuid(), "scrap-rate", null, null, Now.AddDays(1), Now.AddDays(15));
        Assert.Equal(RecommendationOutcome.Unmeasured, Assert.IsType<Recommendation.Event.Judged>(unread[1]).Outcome);
    }

    [Fact]
    public void Every_action_cancelled_it_was_not_executed()
    {
        var (state, first, second) = ScrapRecommendation();
        state = Apply(state, RecommendationDecisions.CloseAction(state, first, Guid.NewGuid(), false, "actions", Now.AddDays(1)));
        var events = RecommendationDecisions.CloseAction(state, second, Guid.NewGuid(), false, "actions", Now.AddDays(1));
        Assert.Equal(RecommendationOutcome.NotExecuted, Assert.IsType<Recommendation.Event.Judged>(events[1]).Outcome);
        Assert.Null(Apply(state, events).ExecutedAt);
    }

    [Fact]
    public void A_promise_is_kept_when_every_shipment_left_by_the_promise_date()
    {
        var state = Given([.. RecommendationDecisions.Receive(Recommendation.Initial, Recommend(), World(ExpediteRule))]);
        var friday = Now.AddDays(4);
        PromiseKept Shipped(params (string, DateTimeOffset?)[] shipments) => new("SO-1001", friday, shipments);

        Assert.Equal(RecommendationOutcome.CameTrue, Judged(Shipped(("SH-900", friday.AddHours(-3)), ("SH-901", friday))));
        Assert.Equal(RecommendationOutcome.DidNotComeTrue, Judged(Shipped(("SH-900", friday.AddHours(-3)), ("SH-901", friday.AddMinutes(1)))));
        Assert.Equal(RecommendationOutcome.DidNotComeTrue, Judged(Shipped(("SH-900", null))));
        Assert.Equal(RecommendationOutcome.DidNotComeTrue, Judged(Shipped()));
        Assert.Empty(RecommendationDecisions.JudgePromise(Apply(state, RecommendationDecisions.JudgePromise(state, Shipped(), friday)), Shipped(), friday));

        RecommendationOutcome Judged(PromiseKept promise) =>
            Assert.IsType<Recommendation.Event.Judged>(Assert.Single(RecommendationDecisions.JudgePromise(state, promise, friday.AddHours(6)))).Outcome;
    }

    [Fact]
    public void Each_kind_of_proposed_action_names_what_it_needs()
    {
        Assert.Equal(["purchaseOrderId: which purchase order.", "needBy: when it must arrive (ISO-8601)."], new ProposedAction(ProposedActionKind.ExpeditePurchaseOrder).Problems());
        Assert.Equal(["hours: more than 0 and at most 24."], (Overtime with { Hours = 30 }).Problems());
        Assert.Single(new ProposedAction(ProposedActionKind.FreeText, Text: "Call Acme").Problems());
        Assert.Single(new ExpectedEffect(Kpi: "scrap-rate", SalesOrderId: "SO-1001").Problems());
        Assert.Empty(new ExpectedEffect(Kpi: "scrap-rate", Change: -1.5m, WithinDays: 14).Problems());
        Assert.Equal("scrap-rate -1.5 within 14 days", new ExpectedEffect(Kpi: "scrap-rate", Change: -1.5m, WithinDays: 14).Describe());
    }
}
