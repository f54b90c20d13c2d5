using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>The DOMAIN.md day through the real service: intake → graph → detection → case with impact and routing.</summary>
public sealed class PlantScenarioTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private Task PostAsync(params object[] events) => app.PostEventsAsync(events);

    private Task<JsonElement> CaseAsync(string kind, string suffix) => app.WaitForCaseAsync(kind, suffix, "responding");

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task CNC_4_going_down_opens_a_case_finding_PR_77_SO_1001_and_SH_900_and_routes_it_to_three_functions_at_once()
    {
        const string s = "-down";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.CncDown(s));

        var found = await CaseAsync("MachineDown", s);
        var impact = found.GetProperty("state").GetProperty("impact");
        Assert.Equal([$"PR-77{s}"], Strings(impact.GetProperty("productionOrders")));
        Assert.Equal([$"SH-900{s}"], Strings(impact.GetProperty("shipments")));
        Assert.Equal([$"L-6001{s}"], Strings(impact.GetProperty("lots")));
        var commitment = Assert.Single(impact.GetProperty("commitments").EnumerateArray());
        Assert.Equal($"SO-1001{s}", commitment.GetProperty("salesOrderId").GetString());
        Assert.Equal("Acme Axles", commitment.GetProperty("customer").GetString());
        Assert.Equal(48_000m, impact.GetProperty("valueAtRisk").GetDecimal());
        Assert.Equal(["maintenance", "production-planning", "customer-service"],
            found.GetProperty("state").GetProperty("routedTo").EnumerateArray().Select(f => f.GetProperty("function").GetString()));
    }

    [Fact]
    public async Task A_hold_on_L_5521_blocks_every_order_consuming_it_or_a_descendant_and_every_shipment_containing_them()
    {
        const string s = "-hold";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.HoldOnBarStock(s));

        var found = await CaseAsync("QualityHold", s);
        var propagated = found.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "exceptions.hold-propagated").GetProperty("event");
        Assert.Equal([$"L-5521{s}", $"L-6001{s}", $"L-7001{s}"], Strings(propagated.GetProperty("lots")));
        Assert.Equal([$"PR-77{s}", $"PR-78{s}"], Strings(propagated.GetProperty("blockedProductionOrders")));
        Assert.Equal([$"SH-900{s}"], Strings(propagated.GetProperty("blockedShipments")));

        Assert.Equal([$"PR-77{s}", $"PR-78{s}"], await app.StringsAsync($"SELECT order_id FROM exceptions.production_orders WHERE blocked_by_hold = 'QH-1{s}' ORDER BY 1"));
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.production_orders WHERE order_id = 'PR-80{s}' AND blocked_by_hold IS NOT NULL"));
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.shipments WHERE shipment_id = 'SH-901{s}' AND blocked_by_hold IS NOT NULL"));
        Assert.Contains("quality", found.GetProperty("state").GetProperty("routedTo").EnumerateArray().Select(f => f.GetProperty("function").GetString()));
    }

    [Fact]
    public async Task A_machine_back_up_re_assesses_the_case_and_records_what_was_removed()
    {
        const string s = "-back";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.CncDown(s));
        var found = await CaseAsync("MachineDown", s);
        var caseId = found.GetProperty("caseId").GetString();

        await PostAsync(PlantDay.Event($"cnc4-up{s}", "mes-cnc", "MachineStateChanged", $"work-center/CNC-4{s}", PlantDay.Monday.AddHours(12),
            new { workCenter = $"CNC-4{s}", state = "running" }));

        JsonElement reassessed = default;
        await Eventually.TrueAsync(async () =>
        {
            var detail = await app.Client.GetFromJsonAsync<JsonElement>($"/exceptions/{caseId}");
            var assessments = detail.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "exceptions.impact-assessed").ToArray();
            if (assessments.Length < 2) return false;
            reassessed = assessments[^1].GetProperty("event");
            return true;
        }, "the case was re-assessed");
        Assert.Contains($"PR-77{s}", Strings(reassessed.GetProperty("change").GetProperty("removed")));
        Assert.Equal(0m, reassessed.GetProperty("change").GetProperty("valueAtRiskAfter").GetDecimal());
    }

    [Fact]
    public async Task A_supplier_delay_past_an_orders_need_date_opens_a_shortage_routed_to_procurement()
    {
        const string s = "-short";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.BearingsNeededAndOrdered(s, $"PO-91{s}"));
        await PostAsync(PlantDay.Event($"late{s}", "sap-oh", "SupplierDeliveryDelayed", $"purchase-order/PO-91{s}", PlantDay.Monday.AddHours(11),
            new { purchaseOrderId = $"PO-91{s}", newEta = PlantDay.Monday.AddDays(3), reason = "port congestion" }));

        var found = await CaseAsync("Shortage", s);
        var impact = found.GetProperty("state").GetProperty("impact");
        Assert.Equal([$"PR-78{s}"], Strings(impact.GetProperty("productionOrders")));
        Assert.Equal($"SO-1001{s}", impact.GetProperty("commitments")[0].GetProperty("salesOrderId").GetString());
        Assert.Contains("procurement", found.GetProperty("state").GetProperty("routedTo").EnumerateArray().Select(f => f.GetProperty("function").GetString()));
    }

    [Fact]
    public async Task A_purchase_order_in_time_for_every_need_opens_no_shortage()
    {
        const string s = "-intime";
        await PostAsync(PlantDay.Plan(s));
        // CNC-4 going down comes later in the same batch, so once its case exists the purchase order has been judged.
        await PostAsync([.. PlantDay.BearingsNeededAndOrdered(s, $"PO-92{s}"), PlantDay.CncDown(s)]);
        await CaseAsync("MachineDown", s);
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.case_index WHERE kind = 'Shortage' AND trigger_key = 'PO-92{s}'"));
    }

    [Fact]
    public async Task Cases_are_listed_by_site_kind_status_severity_and_age_and_a_bad_filter_is_a_400()
    {
        const string s = "-list";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.CncDown(s));
        var caseId = (await CaseAsync("MachineDown", s)).GetProperty("caseId").GetString();

        async Task<string?[]> ListAsync(string query) =>
            [.. (await app.Client.GetFromJsonAsync<JsonElement>($"/exceptions?{query}")).EnumerateArray().Select(c => c.GetProperty("caseId").GetString())];
        Assert.Contains(caseId, await ListAsync("site=OH-DAYTON&kind=machineDown&status=responding&severity=high&minAge=PT0S"));
        Assert.DoesNotContain(caseId, await ListAsync("severity=critical"));
        Assert.DoesNotContain(caseId, await ListAsync("site=TN-SMYRNA"));
        Assert.DoesNotContain(caseId, await ListAsync("minAge=PT1H")); // opened at 09:05 on the service's clock, which still reads 09:05
        // "Unresolved" is the plant's open work in one list: open, assessed or responding.
        Assert.Contains(caseId, await ListAsync("site=OH-DAYTON&status=Unresolved"));
        Assert.DoesNotContain(caseId, await ListAsync("site=OH-DAYTON&status=resolved"));

        var bad = await app.Client.GetAsync("/exceptions?status=sleeping&minAge=soon&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("status", out _) && errors.TryGetProperty("minAge", out _) && errors.TryGetProperty("limit", out _));
        Assert.Equal("One of: Open, Assessed, Responding, Resolved, Closed, or unresolved.", errors.GetProperty("status")[0].GetString());
    }

    [Fact]
    public async Task Material_made_from_a_held_lot_after_the_hold_is_held_too_and_its_shipment_blocked()
    {
        const string s = "-later";
        await PostAsync(PlantDay.Plan(s));
        await PostAsync(PlantDay.HoldOnBarStock(s));
        var caseId = (await CaseAsync("QualityHold", s)).GetProperty("caseId").GetString();

        await PostAsync(
            PlantDay.Event($"l8001{s}", "mes-asm", "LotProduced", $"lot/L-8001{s}", PlantDay.Monday.AddHours(11),
                new { lotId = $"L-8001{s}", item = "AXLE-40", quantity = 50, fromLots = new[] { $"L-7001{s}" } }),
            PlantDay.Event($"sh950{s}", "sap-oh", "ShipmentPlanned", $"shipment/SH-950{s}", PlantDay.Monday.AddHours(11),
                new { shipmentId = $"SH-950{s}", salesOrderIds = Array.Empty<string>(), lotIds = new[] { $"L-8001{s}" }, carrier = "FastFreight", plannedDate = PlantDay.Friday }));

        JsonElement[] propagations = [];
        await Eventually.TrueAsync(async () => (propagations = [.. (await app.CaseAsync(caseId!)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "exceptions.hold-propagated")]).Length == 2, "the hold reached the new shipment");
        var later = propagations[1].GetProperty("event");
        Assert.Equal([$"SH-950{s}"], Strings(later.GetProperty("blockedShipments")));
        Assert.Contains($"L-8001{s}", Strings(later.GetProperty("lots")));
        Assert.Equal([$"QH-1{s}"], await app.StringsAsync($"SELECT blocked_by_hold FROM exceptions.shipments WHERE shipment_id = 'SH-950{s}'"));
    }

    [Fact]
    public async Task Material_made_from_a_held_lot_in_the_same_post_as_the_hold_is_held_too()
    {
        const string s = "-samepost";
        await PostAsync(PlantDay.Plan(s));

        // The hold opens its case in the middle of the post, after a fact that had the watched keys read:
        // the facts after the hold must see what the new case watches.
        await PostAsync(
            PlantDay.Event($"act80{s}", "mes-cnc", "ProductionActualReported", $"production-order/PR-80{s}", PlantDay.Monday.AddHours(10),
                new { productionOrderId = $"PR-80{s}", quantityGood = 10, quantityScrap = 0 }),
            PlantDay.HoldOnBarStock(s),
            PlantDay.Event($"l8001{s}", "mes-asm", "LotProduced", $"lot/L-8001{s}", PlantDay.Monday.AddHours(11),
                new { lotId = $"L-8001{s}", item = "AXLE-40", quantity = 50, fromLots = new[] { $"L-7001{s}" } }),
            PlantDay.Event($"sh950{s}", "sap-oh", "ShipmentPlanned", $"shipment/SH-950{s}", PlantDay.Monday.AddHours(11),
                new { shipmentId = $"SH-950{s}", salesOrderIds = Array.Empty<string>(), lotIds = new[] { $"L-8001{s}" }, carrier = "FastFreight", plannedDate = PlantDay.Friday }));

        Assert.Equal([$"QH-1{s}"], await app.StringsAsync($"SELECT blocked_by_hold FROM exceptions.shipments WHERE shipment_id = 'SH-950{s}'"));
        Assert.Equal([$"QH-1{s}"], await app.StringsAsync($"SELECT hold_id FROM exceptions.lots WHERE lot_id = 'L-8001{s}'"));
    }
}
