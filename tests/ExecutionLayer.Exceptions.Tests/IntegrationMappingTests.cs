using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class IntegrationMappingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 5, 0, TimeSpan.Zero);

    private static RecordedEvent Recorded(object data, string type) =>
        new RecordedEvent(1, 1, "case-x", "exception-case", 1, Guid.NewGuid(), type, 1, "{}", new EventMetadata(Site: "OH-DAYTON"), At, At).WithData(data);

    [Fact]
    public void A_routed_case_asks_for_one_action_per_function_with_stable_ids_and_the_impact()
    {
        var caseId = Guid.NewGuid();
        var impact = new Impact(["PR-77"], ["L-6001"], ["SH-900"], [new AffectedCommitment("SO-1001", "Acme Axles", At.AddDays(4), 48_000m, "USD")]);
        var routed = new CaseRouted(caseId, [new("maintenance", "maintenance-lead"), new("customer-service", "customer-service-rep")], Severity.High, impact, At);

        var first = new ExceptionsIntegrationMapper().Map(Recorded(routed, "exceptions.case-routed")).Cast<ActionRequested>().ToArray();
        var again = new ExceptionsIntegrationMapper().Map(Recorded(routed, "exceptions.case-routed")).Cast<ActionRequested>().ToArray();

        Assert.Equal(["maintenance", "customer-service"], first.Select(a => a.Function));
        Assert.Equal(first.Select(a => a.RequestId), again.Select(a => a.RequestId));
        Assert.All(first, a => Assert.Equal(["PR-77"], a.ProductionOrders));
        Assert.All(first, a => Assert.Equal(48_000m, a.ValueAtRisk));
        Assert.All(first, a => Assert.Equal("OH-DAYTON", a.Site));
    }
}
