using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

public class RoutingTests
{
    private static PolicyDefinition Purchase(string name, decimal? min, decimal? max, params StageRule[] stages) =>
        new(name, new PolicyMatch(["purchase-order"], min, max, "USD"), stages, "P5D");

    private static StageRule Stage(string name, string role, decimal? minAmount = null) =>
        new(name, [new ApproverRef(Role: role)], new Quorum(QuorumKind.Any), "P1D", [], minAmount);

    private static readonly PolicyVersion[] PurchaseTiers =
    [
        Version(Purchase("Small purchases", null, 10_000m, Stage("Buyer lead", "buyer-lead")), "po-small"),
        Version(Purchase("Large purchases", 10_000m, null, Stage("Buyer lead", "buyer-lead"), Stage("Finance", "finance", minAmount: 50_000m)), "po-large"),
    ];

    [Theory]
    [InlineData(9_999.99, "po-small")]
    [InlineData(10_000, "po-large")]
    [InlineData(250_000, "po-large")]
    public void Amount_thresholds_pick_the_tier(decimal amount, string expected)
    {
        var chosen = PolicyResolver.Choose(PurchaseTiers, new RequestTerms("purchase-order", "OH-DAYTON", amount, "USD", null));

        Assert.Equal(expected, chosen?.PolicyId);
    }

    [Fact]
    public void An_amount_in_another_currency_matches_no_amount_tier()
    {
        Assert.Null(PolicyResolver.Choose(PurchaseTiers, new RequestTerms("purchase-order", "OH-DAYTON", 500m, "EUR", null)));
    }

    [Theory]
    [InlineData(20_000, new[] { "Buyer lead" })]
    [InlineData(60_000, new[] { "Buyer lead", "Finance" })]
    public void A_stage_with_a_minimum_amount_applies_only_from_it(decimal amount, string[] stages)
    {
        Assert.Equal(stages, PolicyResolver.StagesFor(PurchaseTiers[1].Definition, amount).Select(s => s.Name));
    }

    [Fact]
    public void A_site_policy_overrides_the_corporate_default_at_that_site_only()
    {
        var policies = new[] { Version(Policy(), "overtime"), Version(Policy(sla: "PT2H", site: "TN-SMYRNA"), "overtime-smyrna") };

        Assert.Equal("overtime-smyrna", PolicyResolver.Choose(policies, new RequestTerms("overtime", "TN-SMYRNA", 5_000m, "USD", null))?.PolicyId);
        Assert.Equal("overtime", PolicyResolver.Choose(policies, new RequestTerms("overtime", "OH-DAYTON", 5_000m, "USD", null))?.PolicyId);
    }

    [Fact]
    public void Severity_matches_when_the_policy_names_severities()
    {
        var deviation = Version(new PolicyDefinition("Use-as-is", new PolicyMatch(["deviation"], Severities: ["high", "critical"]),
            [Stage("Quality", "quality-manager")], "P1D"), "deviation");

        Assert.NotNull(PolicyResolver.Choose([deviation], new RequestTerms("deviation", "OH-DAYTON", null, null, "High")));
        Assert.Null(PolicyResolver.Choose([deviation], new RequestTerms("deviation", "OH-DAYTON", null, null, "low")));
    }

    [Fact]
    public void The_request_is_resolved_to_the_policy_version_and_opens_its_first_stage_with_the_plant_manager()
    {
        var events = ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy(), version: 3), At(AskedAt));

        var requested = events.Single<ApprovalRequest.Event.Requested>();
        Assert.Equal(("overtime", 3), (requested.PolicyId, requested.PolicyVersion));
        Assert.Equal(AskedAt.AddDays(2), requested.ExpiresAt);
        var opened = events.Single<ApprovalRequest.Event.StageOpened>();
        Assert.Equal([PlantManager], opened.Approvers);
        Assert.Equal(AskedAt.AddHours(4), opened.DueAt);
        Assert.Equal(PlantManager, events.Single<ApprovalRequest.Event.ApproverNotified>().Approver);
    }

    [Fact]
    public void A_request_no_policy_governs_is_refused_with_the_reason()
    {
        var error = Assert.Throws<RuleViolationException>(() => ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), null, At(AskedAt)));
        Assert.Equal("no-policy", error.Rule);
    }

    [Fact]
    public void The_requester_is_never_one_of_the_approvers_and_a_stage_left_with_nobody_is_refused()
    {
        var error = Assert.Throws<RuleViolationException>(() =>
            ApprovalDecisions.Request(ApprovalRequest.Initial, Request(requester: PlantManager), Version(Policy()), At(AskedAt)));
        Assert.Equal("no-approvers", error.Rule);
    }

    [Fact]
    public void A_role_nobody_holds_at_the_site_falls_back_to_the_corporate_directory()
    {
        var policy = Version(Policy(approvers: [DirectorRole]));

        var events = ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), policy, At(AskedAt));

        Assert.Equal([Director], events.Single<ApprovalRequest.Event.StageOpened>().Approvers);
    }

    [Fact]
    public void Asking_again_with_the_same_request_id_adds_nothing_but_reusing_it_for_another_subject_is_a_conflict()
    {
        var request = Request();
        var state = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, request, Version(Policy()), At(AskedAt)));

        Assert.Empty(ApprovalDecisions.Request(state, request, Version(Policy()), At(AskedAt.AddMinutes(1))));
        Assert.Throws<InvalidStateException>(() => ApprovalDecisions.Request(state, request with { Subject = new Subject("overtime", "other") },
            Version(Policy()), At(AskedAt)));
    }

    [Fact]
    public void A_policy_definition_reports_every_problem_at_once()
    {
        var broken = new PolicyDefinition("", new PolicyMatch([], MinAmount: 5), [new StageRule("", [new ApproverRef("r", "p")], new Quorum(QuorumKind.NOfM, 3), "4 hours", [])], "never", "NOWHERE");

        var errors = broken.Validate(ExecutionLayer.Store.Sites.SiteCatalog.Unknown("NOWHERE", ["OH-DAYTON"]));

        Assert.Equal(["expiry", "match.currency", "match.subjectTypes", "name", "site", "stages[0].approvers", "stages[0].name", "stages[0].sla"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
