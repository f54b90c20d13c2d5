using System.Text.Json;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// A post's facts are taken into the graph a few set-based statements at a time, not one by one: the graph they leave must be
/// the graph posting them one at a time leaves — repeated rows, older facts after newer ones, follow-ups before their entity,
/// genealogy from either side.
/// </summary>
public sealed class RunOfFactsTests : IAsyncLifetime
{
    private readonly ExceptionsApp _together = new();
    private readonly ExceptionsApp _oneByOne = new();

    private static readonly DateTimeOffset At = PlantDay.Monday.AddHours(6);

    private static readonly string[] GraphTables =
    [
        "sales_orders", "production_orders", "work_centers", "material_requirements", "purchase_orders", "lots", "shipments",
        "order_lots", "lot_links", "shipment_orders", "shipment_lots", "follow_up_facts",
        "flow_sales_orders", "flow_production_orders", "flow_operations",
    ];

    public async Task InitializeAsync() => await Task.WhenAll(_together.InitializeAsync(), _oneByOne.InitializeAsync());

    public async Task DisposeAsync() => await Task.WhenAll(_together.DisposeAsync(), _oneByOne.DisposeAsync());

    /// <summary>A morning's facts in the order an ERP and an MES might well send them: late, repeated, out of order.</summary>
    private static object[] Morning()
    {
        var n = 0;
        object Fact(string type, string subject, double hours, object data) => PlantDay.Event($"run-{++n}", "sap-run", type, subject, At.AddHours(hours), data);
        return
        [
            Fact("ShipmentDispatched", "shipment/SH-R1", 5, new { shipmentId = "SH-R1", dispatchedAt = At.AddHours(5) }),
            Fact("ProductionActualReported", "production-order/PR-R1", 4, new { productionOrderId = "PR-R1", quantityGood = 4, quantityScrap = 0 }),
            Fact("SupplierDeliveryDelayed", "purchase-order/PO-R1", 2, new { purchaseOrderId = "PO-R1", newEta = PlantDay.Friday, reason = "port" }),
            Fact("PurchaseOrderPlaced", "purchase-order/PO-R1", 1, new { purchaseOrderId = "PO-R1", supplier = "S", item = "BAR", quantity = 50, eta = PlantDay.Monday.AddDays(2) }),
            Fact("SalesOrderConfirmed", "sales-order/SO-R1", 3, new { orderId = "SO-R1", customer = "Acme", item = "HUB", quantity = 10, promiseDate = PlantDay.Friday.AddDays(7), value = 1000, currency = "USD" }),
            // Older than the confirmation before it: it must not win.
            Fact("SalesOrderConfirmed", "sales-order/SO-R1", 1, new { orderId = "SO-R1", customer = "Old", item = "HUB", quantity = 5, promiseDate = PlantDay.Friday, value = 500, currency = "USD" }),
            // As old as the first: reported later, so it wins.
            Fact("SalesOrderConfirmed", "sales-order/SO-R1", 3, new { orderId = "SO-R1", customer = "Acme", item = "HUB", quantity = 12, promiseDate = PlantDay.Friday.AddDays(8), value = 1200, currency = "USD" }),
            Fact("MaterialReceived", "lot/RAW-R1", 2.5, new { purchaseOrderId = "PO-R1", lotId = "RAW-R1", item = "BAR", quantity = 50 }),
            Fact("LotProduced", "lot/LOT-R1", 4, new { lotId = "LOT-R1", item = "HUB", quantity = 10, fromLots = Array.Empty<string>(), productionOrderId = "PR-R1" }),
            Fact("ProductionOrderReleased", "production-order/PR-R1", 2, new
            {
                orderId = "PR-R1", salesOrderId = "SO-R1", item = "HUB", quantity = 10, workCenter = "CNC-R", due = PlantDay.Friday,
                materials = new[] { new { item = "BAR", quantity = 5, lotId = "RAW-R1" } },
                routing = new[]
                {
                    new { step = 10, workCenter = "CNC-R", plannedStart = At.AddHours(3), plannedFinish = At.AddHours(4) },
                    new { step = 20, workCenter = "DEBURR-R", plannedStart = At.AddHours(4), plannedFinish = At.AddHours(5) },
                },
            }),
            Fact("LotConsumed", "lot/LOT-R1", 4.5, new { lotId = "LOT-R1", productionOrderId = "PR-R2", quantity = 10 }),
            Fact("LotProduced", "lot/LOT-R2", 5, new { lotId = "LOT-R2", item = "ASSY", quantity = 10, fromLots = new[] { "RAW-R1" }, productionOrderId = "PR-R2" }),
            Fact("ProductionActualReported", "production-order/PR-R1", 4.2, new { productionOrderId = "PR-R1", quantityGood = 6, quantityScrap = 0 }),
            Fact("ShipmentPlanned", "shipment/SH-R1", 3, new { shipmentId = "SH-R1", salesOrderIds = new[] { "SO-R1" }, lotIds = new[] { "LOT-R2" }, carrier = "C", plannedDate = PlantDay.Friday }),
            Fact("OperationCompleted", "production-order/PR-R1", 4, new { productionOrderId = "PR-R1", step = 10, workCenter = "CNC-R" }),
            Fact("OperationStarted", "production-order/PR-R1", 4.1, new { productionOrderId = "PR-R1", step = 20, workCenter = "DEBURR-R" }),
            Fact("OperationStarted", "production-order/PR-R1", 3, new { productionOrderId = "PR-R1", step = 10, workCenter = "CNC-R" }),
            Fact("MachineStateChanged", "work-center/CNC-R", 6, new { workCenter = "CNC-R", state = "running" }),
            Fact("MachineStateChanged", "work-center/CNC-R", 5, new { workCenter = "CNC-R", state = "idle" }),
            Fact("MaterialRequirement", "production-order/PR-R1", 2, new { productionOrderId = "PR-R1", item = "BAR", quantity = 5, needDate = PlantDay.Monday.AddDays(1) }),
            Fact("MaterialRequirement", "production-order/PR-R1", 2, new { productionOrderId = "PR-R1", item = "BAR", quantity = 6, needDate = PlantDay.Monday.AddDays(1) }),
            Fact("SupplierDeliveryDelayed", "purchase-order/PO-R1", 1.5, new { purchaseOrderId = "PO-R1", newEta = PlantDay.Friday.AddDays(1), reason = "older news" }),
        ];
    }

    [Fact]
    public async Task One_post_leaves_the_graph_that_posting_its_facts_one_at_a_time_leaves()
    {
        var morning = Morning();
        await _together.PostEventsAsync(morning);
        foreach (var fact in morning) await _oneByOne.PostEventsAsync(fact);

        foreach (var table in GraphTables)
            Assert.Equal(await RowsAsync(_oneByOne, table), await RowsAsync(_together, table));

        // And that graph is the right one.
        Assert.Equal(["Acme|12|1200"], await _together.StringsAsync("SELECT customer || '|' || quantity || '|' || value FROM exceptions.sales_orders"));
        Assert.Equal([$"{PlantDay.Friday:O}"], (await _together.StringsAsync("SELECT to_json(eta)#>>'{}' FROM exceptions.purchase_orders"))
            .Select(t => $"{DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture):O}"));
        Assert.Equal(["completed|10"], await _together.StringsAsync("SELECT status || '|' || quantity_good FROM exceptions.production_orders"));
        Assert.Equal(["dispatched"], await _together.StringsAsync("SELECT status FROM exceptions.shipments"));
        Assert.Equal(["Running"], await _together.StringsAsync("SELECT state FROM exceptions.work_centers"));
        Assert.Equal(["6"], await _together.StringsAsync("SELECT quantity::text FROM exceptions.material_requirements"));
        Assert.Equal(["LOT-R1>LOT-R2", "RAW-R1>LOT-R1", "RAW-R1>LOT-R2"],
            await _together.StringsAsync("SELECT parent_lot || '>' || child_lot FROM exceptions.lot_links ORDER BY 1"));
        Assert.Equal(["10|", "20|10"], await _together.StringsAsync("SELECT step || '|' || coalesce(previous_step::text, '') FROM exceptions.flow_operations ORDER BY step"));
    }

    private static async Task<List<string>> RowsAsync(ExceptionsApp app, string table) =>
        // Every column but the follow-up facts' generated id, which numbers arrivals.
        await app.StringsAsync($"SELECT (to_jsonb(t) - 'id')::text FROM exceptions.{table} t ORDER BY 1");
}
