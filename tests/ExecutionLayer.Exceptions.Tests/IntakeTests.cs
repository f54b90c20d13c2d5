using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>The ERP/MES intake through the real service: idempotent, partial, bounded, and never half an event.</summary>
public sealed class IntakeTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private static object Machine(string id, string state = "running") => PlantDay.Event(id, "mes-cnc", "MachineStateChanged", "work-center/CNC-9", PlantDay.Monday, new { workCenter = "CNC-9", state });

    private async Task<JsonElement> PostAsync(object body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var response = await app.Client.PostAsJsonAsync("/events", body);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<long> StoredAsync(string id) =>
        app.CountAsync($"SELECT count(*) FROM exceptions.mt_events WHERE type = 'intake.operational-event-received' AND data->>'sourceEventId' = '{id}'");

    [Fact]
    public async Task A_repeated_post_is_a_duplicate_with_no_second_effect()
    {
        var first = await PostAsync(new[] { Machine("dup-1") });
        Assert.Equal("accepted", first.GetProperty("results")[0].GetProperty("status").GetString());

        var again = await PostAsync(new[] { Machine("dup-1"), Machine("dup-1") });
        Assert.Equal(["duplicate", "duplicate"], again.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(1, await StoredAsync("dup-1"));
    }

    [Fact]
    public async Task Concurrent_posts_of_the_same_event_store_it_once()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Client.PostAsJsonAsync("/events", new[] { Machine("race-1") })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(1, await StoredAsync("race-1"));
    }

    [Fact]
    public async Task A_batch_with_invalid_events_stores_the_valid_ones_and_explains_each_rejection()
    {
        var body = await PostAsync(new object[]
        {
            Machine("mix-ok-1"),
            PlantDay.Event("mix-bad-site", "mes-cnc", "MachineStateChanged", "x", PlantDay.Monday, new { workCenter = "CNC-9", state = "down" }, site: "XX-NOWHERE"),
            PlantDay.Event("mix-bad-type", "mes-cnc", "MachineExploded", "x", PlantDay.Monday, new { }),
            Machine("mix-ok-2"),
        });
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        var rejected = body.GetProperty("results")[1];
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("Unknown site", rejected.GetProperty("problem").GetProperty("title").GetString());
        Assert.Equal(1, await StoredAsync("mix-ok-2"));
        Assert.Equal(0, await StoredAsync("mix-bad-site"));
    }

    [Fact]
    public async Task More_than_the_batch_limit_is_413_and_nothing_is_stored()
    {
        var events = Enumerable.Range(0, 1_001).Select(i => Machine($"big-{i}")).ToArray();
        var problem = await PostAsync(events, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1000", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await StoredAsync("big-0"));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await app.Client.PostAsync("/events", new StringContent("[{\"id\": \"x\",", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_hold_has_blocked_what_it_reaches_and_opened_its_case_by_the_time_its_post_is_answered()
    {
        const string s = "-inline";
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.HoldOnBarStock(s));

        // No waiting: the graph and detection run in the intake's transaction, so the answer means all of it is done.
        Assert.True(await app.CountAsync($"SELECT count(*) FROM exceptions.production_orders WHERE blocked_by_hold = 'QH-1{s}'") > 0);
        Assert.Equal(1, await app.CountAsync($"SELECT count(*) FROM exceptions.case_index WHERE kind = 'QualityHold' AND trigger_key = 'QH-1{s}'"));
        // The stored event carries the id derived from its source and id, which the ledger and the case ids are keyed on.
        Assert.Equal([ExecutionLayer.Exceptions.ReceivingEvents.ReceiveEventsHandler.IntakeEventId("mes-qms", $"hold{s}").ToString()],
            await app.StringsAsync($"SELECT id::text FROM exceptions.mt_events WHERE data->>'sourceEventId' = 'hold{s}'"));
    }

    [Fact]
    public async Task Each_event_of_a_batch_is_stored_at_the_time_it_happened_on_the_floor_not_when_the_batch_arrived()
    {
        await PostAsync(new[]
        {
            PlantDay.Event("when-1", "mes-cnc", "MachineStateChanged", "work-center/CNC-4", PlantDay.Monday.AddHours(6), new { workCenter = "CNC-4", state = "down" }),
            PlantDay.Event("when-2", "mes-cnc", "MachineStateChanged", "work-center/CNC-4", PlantDay.Monday.AddHours(7.5), new { workCenter = "CNC-4", state = "running" }),
        });

        Assert.Equal([PlantDay.Monday.AddHours(6), PlantDay.Monday.AddHours(7.5)], (await app.StringsAsync("""
            SELECT headers->>'occurred-at' FROM exceptions.mt_events WHERE data->>'sourceEventId' IN ('when-1', 'when-2') ORDER BY seq_id
            """)).Select(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_late_older_fact_never_overwrites_a_newer_one()
    {
        await PostAsync(new[] { PlantDay.Event("ooo-new", "mes-cnc", "MachineStateChanged", "work-center/CNC-7", PlantDay.Monday.AddHours(10), new { workCenter = "CNC-7", state = "running" }) });
        await PostAsync(new[] { PlantDay.Event("ooo-old", "mes-cnc", "MachineStateChanged", "work-center/CNC-7", PlantDay.Monday.AddHours(9), new { workCenter = "CNC-7", state = "down" }) });

        // The graph is inline: both facts were applied when their posts were acknowledged.
        Assert.Equal(["Running"], await app.StringsAsync("SELECT state FROM exceptions.work_centers WHERE work_center = 'CNC-7'"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM exceptions.case_index WHERE trigger_key = 'OH-DAYTON/CNC-7'"));
    }

    [Fact]
    public async Task Follow_up_facts_that_arrive_before_their_order_or_shipment_still_apply_when_it_arrives()
    {
        var at = PlantDay.Monday.AddHours(8);
        await PostAsync(new[]
        {
            PlantDay.Event("early-delay", "sap-oh", "SupplierDeliveryDelayed", "purchase-order/PO-EARLY", at.AddHours(2), new { purchaseOrderId = "PO-EARLY", newEta = PlantDay.Friday, reason = "late" }),
            PlantDay.Event("early-actual", "mes-cnc", "ProductionActualReported", "production-order/PR-EARLY", at.AddHours(3), new { productionOrderId = "PR-EARLY", quantityGood = 40, quantityScrap = 1 }),
            PlantDay.Event("early-dispatch", "sap-oh", "ShipmentDispatched", "shipment/SH-EARLY", at.AddHours(4), new { shipmentId = "SH-EARLY", dispatchedAt = at.AddHours(4) }),
        });
        await PostAsync(new[]
        {
            PlantDay.Event("early-po", "sap-oh", "PurchaseOrderPlaced", "purchase-order/PO-EARLY", at, new { purchaseOrderId = "PO-EARLY", supplier = "S", item = "NUT", quantity = 10, eta = PlantDay.Monday.AddDays(1) }),
            PlantDay.Event("early-pr", "sap-oh", "ProductionOrderReleased", "production-order/PR-EARLY", at, new { orderId = "PR-EARLY", item = "HUB", quantity = 40, workCenter = "CNC-8", due = PlantDay.Friday, materials = Array.Empty<object>() }),
            PlantDay.Event("early-sh", "sap-oh", "ShipmentPlanned", "shipment/SH-EARLY", at, new { shipmentId = "SH-EARLY", salesOrderIds = Array.Empty<string>(), lotIds = Array.Empty<string>(), carrier = "C", plannedDate = PlantDay.Friday }),
        });

        await ExecutionLayer.Testing.Eventually.TrueAsync(async () => await app.CountAsync("SELECT count(*) FROM exceptions.shipments WHERE shipment_id = 'SH-EARLY'") == 1, "the graph has the shipment");
        Assert.Equal(1, await app.CountAsync($"SELECT count(*) FROM exceptions.purchase_orders WHERE purchase_order_id = 'PO-EARLY' AND eta = '{PlantDay.Friday:O}'"));
        Assert.Equal(["completed"], await app.StringsAsync("SELECT status FROM exceptions.production_orders WHERE order_id = 'PR-EARLY'"));
        Assert.Equal(["dispatched"], await app.StringsAsync("SELECT status FROM exceptions.shipments WHERE shipment_id = 'SH-EARLY'"));
    }
}
