using static ExecutionLayer.Exceptions.Tests.PlantDay;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// A promise date put at risk by what a fact does to the production behind it, each way a fact can do so:
/// the sales orders a fact moves are found and projected in the post that brings it, before it is answered.
/// </summary>
public sealed class PromiseDetectionTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private Task<List<string>> PromisesAtRiskAsync(string suffix) =>
        app.StringsAsync($"SELECT trigger_key FROM exceptions.case_index WHERE kind = 'PromiseAtRisk' AND trigger_key LIKE '%{suffix}' ORDER BY 1");

    /// <summary>A sales order promised for Friday, made by one production order at a work center, due <paramref name="dueBeforePromise"/> before it.</summary>
    private static object[] OrderAt(string salesOrder, string productionOrder, string workCenter, TimeSpan dueBeforePromise) =>
    [
        Event($"{salesOrder}-so", "sap-oh", "SalesOrderConfirmed", $"sales-order/{salesOrder}", Monday.AddHours(6),
            new { orderId = salesOrder, customer = "Acme Axles", item = "AXLE-40", quantity = 100, promiseDate = Friday, value = 12_000, currency = "USD" }),
        Event($"{productionOrder}-pr", "sap-oh", "ProductionOrderReleased", $"production-order/{productionOrder}", Monday.AddHours(6),
            new { orderId = productionOrder, salesOrderId = salesOrder, item = "AXLE-40", quantity = 100, workCenter, due = Friday - dueBeforePromise,
                  materials = Array.Empty<object>() }),
    ];

    [Fact]
    public async Task A_work_center_going_down_puts_at_risk_the_promise_of_an_order_due_there_within_the_repair_time_and_only_that_one()
    {
        const string s = "-promise-wc";
        await app.PostEventsAsync([.. OrderAt($"SO-2001{s}", $"PR-2001{s}", $"LATHE-2{s}", TimeSpan.FromHours(2)),
            .. OrderAt($"SO-2002{s}", $"PR-2002{s}", $"LATHE-2{s}", TimeSpan.FromDays(2))]);
        Assert.Empty(await PromisesAtRiskAsync(s));

        // Eight hours of assumed repair push PR-2001 past Friday; PR-2002 has two days to spare.
        await app.PostEventsAsync(Event($"lathe-down{s}", "mes-cnc", "MachineStateChanged", $"work-center/LATHE-2{s}", Monday.AddHours(9),
            new { workCenter = $"LATHE-2{s}", state = "down", reasonCode = "SP-101", reason = "spindle fault" }));

        Assert.Equal([$"SO-2001{s}"], await PromisesAtRiskAsync(s));
    }

    [Fact]
    public async Task A_requirement_for_an_item_whose_supply_arrives_after_the_promise_puts_the_promise_at_risk()
    {
        const string s = "-promise-req";
        await app.PostEventsAsync([.. OrderAt($"SO-3001{s}", $"PR-3001{s}", $"ASM-3{s}", TimeSpan.FromDays(1)),
            Event($"po{s}", "sap-oh", "PurchaseOrderPlaced", $"purchase-order/PO-3001{s}", Monday.AddHours(7),
                new { purchaseOrderId = $"PO-3001{s}", supplier = "Ball & Roller", item = $"SEAL{s}", quantity = 100, eta = Friday.AddDays(2) })]);
        Assert.Empty(await PromisesAtRiskAsync(s));

        // The seals arrive three days after PR-3001 needs them: its projected ready time moves past Friday.
        await app.PostEventsAsync(Event($"req{s}", "sap-oh", "MaterialRequirement", $"production-order/PR-3001{s}", Monday.AddHours(8),
            new { productionOrderId = $"PR-3001{s}", item = $"SEAL{s}", quantity = 100, needDate = Friday.AddDays(-1) }));

        Assert.Equal([$"SO-3001{s}"], await PromisesAtRiskAsync(s));
    }

    [Fact]
    public async Task A_post_that_makes_a_promise_late_opens_one_case_for_it_caused_by_the_last_fact_that_named_it()
    {
        const string s = "-promise-run";
        await app.PostEventsAsync(Event($"po{s}", "sap-oh", "PurchaseOrderPlaced", $"purchase-order/PO-4002{s}", Monday.AddHours(5),
            new { purchaseOrderId = $"PO-4002{s}", supplier = "Ball & Roller", item = $"SEAL{s}", quantity = 100, eta = Friday.AddDays(2) }));
        // One post, no fact in it a rule is for on its own: two sales orders and their production — PR-4001 released late — then a
        // re-release that pulls PR-4001 in time and a requirement that pushes PR-4002 late. Judged once, on what the whole post left.
        await app.PostEventsAsync([.. OrderAt($"SO-4001{s}", $"PR-4001{s}", $"MILL-4{s}", TimeSpan.FromHours(-6)),
            .. OrderAt($"SO-4002{s}", $"PR-4002{s}", $"MILL-4{s}", TimeSpan.FromDays(1)),
            Event($"PR-4001{s}-again", "sap-oh", "ProductionOrderReleased", $"production-order/PR-4001{s}", Monday.AddHours(7),
                new { orderId = $"PR-4001{s}", salesOrderId = $"SO-4001{s}", item = "AXLE-40", quantity = 100, workCenter = $"MILL-4{s}", due = Friday.AddDays(-1),
                      materials = Array.Empty<object>() }),
            Event($"req{s}", "sap-oh", "MaterialRequirement", $"production-order/PR-4002{s}", Monday.AddHours(8),
                new { productionOrderId = $"PR-4002{s}", item = $"SEAL{s}", quantity = 100, needDate = Friday.AddDays(-1) })]);

        Assert.Equal([$"SO-4002{s}"], await PromisesAtRiskAsync(s));
        Assert.Equal(await app.StringsAsync($"SELECT id::text FROM exceptions.mt_events WHERE data->>'sourceEventId' = 'req{s}'"),
            await app.StringsAsync($"""
                SELECT e.causation_id FROM exceptions.mt_events e JOIN exceptions.case_index c ON e.stream_id = 'case-' || c.case_id
                WHERE c.trigger_key = 'SO-4002{s}' AND e.type = 'exceptions.case-opened'
                """));
    }
}
