using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class CaseDecisionTests
{
    private static readonly DateTimeOffset Monday0905 = new(2026, 11, 23, 9, 5, 0, TimeSpan.Zero);
    private static readonly Guid CaseId = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    private static readonly AffectedCommitment Acme = new("SO-1001", "Acme Axles", new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero), 48_000m, "USD");

    private static ExceptionCase Given(params ExceptionCase.Event[] events) => events.Aggregate(ExceptionCase.Initial, (s, e) => s.Apply(e));

    private static ExceptionCase.Event.Opened Opened(CaseKind kind = CaseKind.MachineDown) =>
        new(CaseId, kind, "OH-DAYTON", "OH-DAYTON/CNC-4", "work-center/CNC-4", "CNC-4 down", Monday0905);

    [Fact]
    public void GivenNoCase_WhenOpened_ThenCaseOpened()
    {
        var events = CaseDecisions.Open(Given(), CaseId, CaseKind.MachineDown, "OH-DAYTON", "OH-DAYTON/CNC-4", "work-center/CNC-4", "CNC-4 down", Monday0905);
        Assert.Equal([Opened()], events);
    }

    [Fact]
    public void GivenAnOpenCase_WhenOpenedAgain_ThenItIsAConflict() =>
        Assert.Throws<InvalidStateException>(() => CaseDecisions.Open(Given(Opened()), CaseId, CaseKind.MachineDown, "OH-DAYTON", "k", "s", "x", Monday0905));

    [Fact]
    public void GivenAnOpenCase_WhenAssessedWithACustomerCommitment_ThenSeverityIsHighAndTheChangeIsRecorded()
    {
        var impact = new Impact(["PR-77"], ["L-6001"], ["SH-900"], [Acme]);
        var assessed = Assert.IsType<ExceptionCase.Event.ImpactAssessed>(Assert.Single(CaseDecisions.Assess(Given(Opened()), impact, Monday0905)));
        Assert.Equal(Severity.High, assessed.Severity);
        Assert.Equal(["PR-77", "L-6001", "SH-900"], assessed.Change.Added);
        Assert.Equal(48_000m, assessed.Change.ValueAtRiskAfter);
    }

    [Fact]
    public void GivenAnAssessedCase_WhenReassessedWithTheSameImpact_ThenNothingIsRecorded()
    {
        var impact = new Impact(["PR-77"], [], [], [Acme]);
        var state = Given(Opened(), new ExceptionCase.Event.ImpactAssessed(CaseId, impact, Severity.High, impact.ChangeFrom(Impact.None), Monday0905));
        Assert.Empty(CaseDecisions.Assess(state, impact with { ProductionOrders = ["PR-77"] }, Monday0905.AddMinutes(5)));
    }

    [Fact]
    public void GivenAnAssessedCase_WhenTheMachineIsBack_ThenTheReassessmentRecordsWhatWasRemoved()
    {
        var impact = new Impact(["PR-77"], [], ["SH-900"], [Acme]);
        var state = Given(Opened(), new ExceptionCase.Event.ImpactAssessed(CaseId, impact, Severity.High, impact.ChangeFrom(Impact.None), Monday0905));
        var reassessed = Assert.IsType<ExceptionCase.Event.ImpactAssessed>(Assert.Single(CaseDecisions.Assess(state, Impact.None, Monday0905.AddHours(3))));
        Assert.Equal(["PR-77", "SH-900"], reassessed.Change.Removed);
        Assert.Equal(Severity.Low, reassessed.Severity);
    }

    [Theory]
    [InlineData(2, Severity.Critical)]
    [InlineData(4, Severity.High)]
    public void A_commitment_due_within_two_days_is_critical(int daysToPromise, Severity expected)
    {
        var impact = new Impact(["PR-77"], [], [], [Acme with { PromiseDate = Monday0905.AddDays(daysToPromise) }]);
        Assert.Equal(expected, CaseDecisions.SeverityOf(CaseKind.MachineDown, impact, Monday0905));
    }

    [Fact]
    public void A_hundred_thousand_at_risk_is_critical_whatever_the_date() =>
        Assert.Equal(Severity.Critical, CaseDecisions.SeverityOf(CaseKind.MachineDown, new Impact([], [], [], [Acme with { Value = 100_000m }]), Monday0905));

    [Fact]
    public void GivenAHighSeverityMachineDown_WhenRouted_ThenMaintenancePlanningAndCustomerServiceActAtOnce()
    {
        var impact = new Impact(["PR-77"], [], ["SH-900"], [Acme]);
        var state = Given(Opened(), new ExceptionCase.Event.ImpactAssessed(CaseId, impact, Severity.High, impact.ChangeFrom(Impact.None), Monday0905));
        var routed = Assert.IsType<ExceptionCase.Event.Routed>(Assert.Single(CaseDecisions.Route(state, RoutingTable.Default, Monday0905)));
        Assert.Equal(["maintenance", "production-planning", "customer-service"], routed.Functions.Select(f => f.Function));
    }

    [Fact]
    public void GivenARoutedCase_WhenRoutedAgainAtTheSameSeverity_ThenNoFunctionIsAskedTwice()
    {
        var impact = new Impact(["PR-77"], [], [], [Acme]);
        var state = Given(Opened(), new ExceptionCase.Event.ImpactAssessed(CaseId, impact, Severity.High, impact.ChangeFrom(Impact.None), Monday0905));
        var first = CaseDecisions.Route(state, RoutingTable.Default, Monday0905);
        Assert.Empty(CaseDecisions.Route(first.Aggregate(state, (s, e) => s.Apply(e)), RoutingTable.Default, Monday0905));
    }

    [Fact]
    public void A_site_routing_row_replaces_the_corporate_rows_for_that_kind()
    {
        var table = new RoutingTable([.. new[] { new RoutingRule("*", CaseKind.MachineDown, Severity.Low, "maintenance", "maintenance-lead") },
            new RoutingRule("TN-SMYRNA", CaseKind.MachineDown, Severity.Low, "reliability", "reliability-engineer")], []);
        Assert.Equal(["reliability"], table.FunctionsFor("TN-SMYRNA", CaseKind.MachineDown, Severity.High).Select(f => f.Function));
        Assert.Equal(["maintenance"], table.FunctionsFor("OH-DAYTON", CaseKind.MachineDown, Severity.High).Select(f => f.Function));
    }

    [Fact]
    public void GivenAResolvedCase_WhenReassessed_ThenItIsAConflict()
    {
        var state = Given(Opened(), new ExceptionCase.Event.Resolved(CaseId, "machine repaired", Monday0905));
        Assert.Throws<InvalidStateException>(() => CaseDecisions.Assess(state, Impact.None, Monday0905));
    }
}
