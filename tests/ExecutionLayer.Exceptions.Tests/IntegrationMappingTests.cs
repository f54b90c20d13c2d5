using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Graph;
using JasperFx.Events;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class IntegrationMappingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 5, 0, TimeSpan.Zero);

    /// <summary>The event as the outbox reads it back: Dayton's, as the case writer's provenance stamped it (the "site" header).</summary>
    private static IEvent Stored<T>(T data) where T : notnull
    {
        var stored = new Event<T>(data) { Id = Guid.NewGuid(), StreamKey = "case-x", Version = 1, Sequence = 1, Timestamp = At };
        stored.SetHeader("site", "OH-DAYTON");
        return stored;
    }

    [Fact]
    public void A_routed_case_asks_for_one_action_per_function_with_stable_ids_and_the_impact()
    {
        var caseId = Guid.NewGuid();
        var impact = new Impact(["PR-77"], ["L-6001"], ["SH-900"], [new AffectedCommitment("SO-1001", "Acme Axles", At.AddDays(4), 48_000m, "USD")]);
        var routed = new ExceptionCase.Event.Routed(caseId, [new("maintenance", "maintenance-lead"), new("customer-service", "customer-service-rep")], Severity.High, impact, At);

        var first = new ExceptionsEventMapper().Map(Stored(routed)).Cast<ActionRequested>().ToArray();
        var again = new ExceptionsEventMapper().Map(Stored(routed)).Cast<ActionRequested>().ToArray();

        Assert.Equal(["maintenance", "customer-service"], first.Select(a => a.Function));
        Assert.Equal(first.Select(a => a.RequestId), again.Select(a => a.RequestId));
        Assert.All(first, a => Assert.Equal(["PR-77"], a.ProductionOrders));
        Assert.All(first, a => Assert.Equal(48_000m, a.ValueAtRisk));
        Assert.All(first, a => Assert.Equal("OH-DAYTON", a.Site));
    }
}
