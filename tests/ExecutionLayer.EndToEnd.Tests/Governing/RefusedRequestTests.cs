using ExecutionLayer.Demo.Api;
using static ExecutionLayer.EndToEnd.Tests.Governing.GovernedPlant;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>A request no policy can route is refused — its own outcome, not somebody's rejection — on the case and in the ledger.</summary>
[Collection(GovernedPlantCollection.Name)]
public sealed class RefusedRequestTests(GovernedPlant plant)
{
    private const string Flint = "MI-FLINT";

    [Fact]
    public async Task A_hold_cases_deviation_request_that_no_policy_routes_reads_refused_on_the_case_and_in_the_ledger()
    {
        var now = DateTimeOffset.UtcNow;
        await plant.Calls.OkAsync(plant.Erp, HttpMethod.Post, "/api/events", new object[]
        {
            Event("so-f1", "sap-mi", "SalesOrderConfirmed", "sales-order/SO-F1", now.AddHours(-3),
                new { orderId = "SO-F1", customer = "Great Lakes Trucks", item = "HUB-9", quantity = 200, promiseDate = now.AddDays(5), value = 30_000, currency = "USD" }, Flint),
            Event("rcv-lf1", "sap-mi", "MaterialReceived", "lot/L-F1", now.AddHours(-3),
                new { purchaseOrderId = "PO-F1", lotId = "L-F1", item = "CASTING", quantity = 200 }, Flint),
            Event("pr-f1", "sap-mi", "ProductionOrderReleased", "production-order/PR-F1", now.AddHours(-2),
                new { orderId = "PR-F1", salesOrderId = "SO-F1", item = "HUB-9", quantity = 200, workCenter = "LATHE-2", due = now.AddDays(3),
                      materials = new[] { new { item = "CASTING", quantity = 200, lotId = "L-F1" } } }, Flint),
            Event("hold-qf1", "mes-qms", "QualityHoldRaised", "lot/L-F1", now.AddMinutes(-1), new { holdId = "QH-F1", lotId = "L-F1", reason = "porosity" }, Flint),
        });

        // No deviation policy exists anywhere: the case's automatic request cannot be routed.
        var holdCase = await UntilAsync("the hold case's refused deviation", async () =>
        {
            foreach (var summary in (await plant.Calls.OkAsync(plant.Admin, HttpMethod.Get, $"/api/exceptions?site={Flint}&kind=qualityHold")).Items())
            {
                var found = await plant.Calls.OkAsync(plant.Admin, HttpMethod.Get, $"/api/exceptions/{summary.At("caseId").GetGuid()}");
                if (found.Items("state.approvals").Any(a => a.Text("subjectType") == "deviation" && a.Text("outcome") != "pending")) return found;
            }
            return (System.Text.Json.JsonElement?)null;
        });
        var deviation = Assert.Single(holdCase.Items("state.approvals"), a => a.Text("subjectType") == "deviation");
        Assert.Equal("refused", deviation.Text("outcome"));

        var correlation = $"case-{holdCase.At("caseId").GetGuid()}";
        var timeline = await UntilAsync("the refusal in the ledger", async () =>
        {
            var (status, body) = await TimelineAsync(correlation);
            return status == 200 && body.Items("entries").Any(e => e.Text("eventType") == "exceptions.approval-decided") ? body : (System.Text.Json.JsonElement?)null;
        });
        var entries = timeline.Items("entries").ToList();
        var refused = Assert.Single(entries, e => e.Text("eventType") == "approvals.approval-refused");
        Assert.Contains("No policy governs deviation", refused.Text("payload.why"));
        var decided = Assert.Single(entries, e => e.Text("eventType") == "exceptions.approval-decided");
        Assert.Equal(("refused", "approvals:routing"), (decided.Text("payload.outcome"), decided.Text("payload.by")));
        Assert.DoesNotContain(entries, e => e.Text("eventType") == "approvals.approval-rejected");
    }

    private async Task<(int, System.Text.Json.JsonElement)> TimelineAsync(string correlation)
    {
        var answer = await plant.Calls.SendAsync(plant.Auditor, HttpMethod.Get, $"/api/audit/timeline?correlationId={correlation}");
        return (answer.Status, answer.IsSuccess ? answer.Json : default);
    }
}
