using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>What changed between the context a request was made on and the one that stands now.</summary>
public sealed class ContextDriftTests
{
    private static JsonElement Context(decimal valueAtRisk, string[] orders, string[] shipments, params string[] customers) => JsonSerializer.SerializeToElement(new
    {
        caseSummary = "CNC-4 down (spindle fault)", productionOrders = orders, lots = Array.Empty<string>(), shipments,
        commitments = customers.Select((c, i) => new { salesOrderId = $"SO-{i}", customer = c, promiseDate = "2026-11-27T00:00:00Z", value = 1m, currency = "USD" }),
        valueAtRisk, assessedAt = "2026-11-23T09:06:00Z",
    });

    [Fact]
    public void Value_at_risk_doubling_and_a_new_customer_are_what_changed()
    {
        var drift = ContextDrift.Between(Context(52_000m, ["PO-1"], ["SH-1"], "Acme Axles"), Context(104_000m, ["PO-1", "PO-2"], ["SH-1"], "Acme Axles", "Birch Brakes"), cleared: false);

        Assert.Equal((52_000m, 104_000m, 100.0m), (drift.ValueAtRiskThen, drift.ValueAtRiskNow, drift.ValueAtRiskChangePercent));
        Assert.Equal(["PO-2"], drift.OrdersAdded);
        Assert.Equal(["Birch Brakes"], drift.CustomersAdded);
        Assert.Empty(drift.ShipmentsGone);
        Assert.True(drift.Any);
    }

    [Fact]
    public void A_deviation_that_cleared_shows_what_it_no_longer_touches()
    {
        var drift = ContextDrift.Between(Context(52_000m, ["PO-1"], ["SH-1"], "Acme Axles"), Context(0m, [], []), cleared: true);

        Assert.True(drift.Cleared);
        Assert.Equal(["PO-1"], drift.OrdersGone);
        Assert.Equal(["SH-1"], drift.ShipmentsGone);
        Assert.Equal(["Acme Axles"], drift.CustomersGone);
        Assert.Equal(-100.0m, drift.ValueAtRiskChangePercent);
    }

    [Fact]
    public void The_same_context_again_is_no_drift()
    {
        var context = Context(52_000m, ["PO-1"], ["SH-1"], "Acme Axles");
        Assert.False(ContextDrift.Between(context, context, cleared: false).Any);
    }

    [Fact]
    public void A_context_of_another_shape_shows_no_change_in_what_it_does_not_hold()
    {
        var drift = ContextDrift.Between(JsonSerializer.SerializeToElement(new { purchaseOrder = "PO-88" }), Context(0m, [], []), cleared: false);
        Assert.Null(drift.ValueAtRiskChangePercent);
        Assert.Empty(drift.OrdersGone);
    }
}
