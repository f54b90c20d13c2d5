using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>Before the day: who holds which role, the overtime policy, the bridge's subscription, action rules and KPIs.</summary>
    private async Task SetUpThePlantAsync(CancellationToken ct)
    {
        if (await ExistsAsync(cast.PlanningDesk, "/api/graph/orders/SO-1001", ct))
            throw new InvalidOperationException("This system already holds the demo day (SO-1001 exists). infra/run.sh --demo starts it on a fresh demo database.");
        _monday = PlantClock.NextMonday(await clock.NowAsync(ct));
        _record.Monday = _monday;
        await MoveToAsync(At(0, 6), $"Setting up {Site} (the services' clocks moved to Monday 06:00)", ct);

        var api = cast.Admin.Api;
        await api.Directory[Site].Roles["plant-manager"].PutAsync(new() { People = [PlantManager] }, cancellationToken: ct);
        await api.Directory["CORPORATE"].Roles["operations-director"].PutAsync(new() { People = [Director] }, cancellationToken: ct);
        await api.Policies["overtime"].PutAsync(Policies.OneStage("Overtime", "overtime", "Plant manager", "plant-manager", "PT4H", "operations-director", "P2D"), cancellationToken: ct);
        narrator.Fact($"policy 'overtime': the plant manager ({PlantManager}) within 4 h, then the operations director ({Director})");
        await api.Directory[Site].Roles["quality-lead"].PutAsync(new() { People = [QualityLead] }, cancellationToken: ct);
        await api.Policies["deviation"].PutAsync(Policies.OneStage("Use-as-is deviation", "deviation", "Quality lead", "quality-lead", "P2D", "plant-manager", "P3D"), cancellationToken: ct);
        narrator.Fact($"policy 'deviation': the quality lead ({QualityLead}) within 2 days, then the plant manager");
        await api.Webhooks.Subscriptions.PostAsync(new() { Url = bridge.Url, Secret = bridge.Secret }, cancellationToken: ct);
        narrator.Fact($"approver bridge subscribed at {bridge.Url} (signed webhooks)");
        await api.Actions.Sites[Site].Rules.PutAsync(Policies.SiteRules(new Dictionary<string, string[]>
        {
            ["maintenance-lead"] = [MaintenanceLead], ["production-planner"] = [Planner], ["customer-service-rep"] = [CustomerService],
            ["quality-engineer"] = [QualityEngineer], ["logistics-coordinator"] = [Logistics], ["quality-lead"] = [QualityLead], ["site-leader"] = [PlantManager],
        }), cancellationToken: ct);
        await api.Kpis[Site]["scrap-rate"].PutAsync(new()
        {
            Name = "Scrap rate", Unit = "%", Direction = Direction.LowerIsBetter, Target = 1.0, Green = 1.5, Red = 3.0, Perspective = Perspective.InternalProcess,
        }, cancellationToken: ct);
        await api.Kpis[Site]["on-time-delivery"].PutAsync(new()
        {
            Name = "On-time delivery", Unit = "%", Direction = Direction.HigherIsBetter, Target = 98, Green = 95, Red = 90, Perspective = Perspective.Customer,
        }, cancellationToken: ct);
        narrator.Fact("action rules (owners by role, quality lead verifies, 14-day verification window); KPIs scrap-rate and on-time-delivery");
        await PostEventsAsync(ct,
            Event("kpi-scrap-w47", "mes-qms", "KpiMeasured", "kpi/scrap-rate", At(-3, 18), new { kpi = "scrap-rate", value = 3.4m, unit = "%", measuredAt = At(-3, 18) }),
            Event("kpi-otd-w47", "sap-oh", "KpiMeasured", "kpi/on-time-delivery", At(-3, 18), new { kpi = "on-time-delivery", value = 91.0m, unit = "%", measuredAt = At(-3, 18) }));
    }

    /// <summary>06:00–08:00: SO-1001, PR-77 on CNC-4 from lot L-5521, its descendants, shipment SH-900, and an unrelated order.</summary>
    private async Task PostTheMorningPlanAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 8, 10), "ERP and MES post the morning: SO-1001 for Acme Axles, PR-77 on CNC-4 from lot L-5521, shipment SH-900", ct);
        await PostEventsAsync(ct,
            Event("so-1001", "sap-oh", "SalesOrderConfirmed", "sales-order/SO-1001", At(0, 6, 10),
                new { orderId = "SO-1001", customer = "Acme Axles", item = "AXLE-40", quantity = 400, promiseDate = Friday, value = 48_000, currency = "USD" }),
            Event("rcv-l5521", "sap-oh", "MaterialReceived", "lot/L-5521", At(0, 6),
                new { purchaseOrderId = "PO-88", lotId = "L-5521", item = "BAR-STOCK", quantity = 1200 }),
            Event("pr-77", "sap-oh", "ProductionOrderReleased", "production-order/PR-77", At(0, 6, 20),
                new { orderId = "PR-77", salesOrderId = "SO-1001", item = "AXLE-BLANK", quantity = 400, workCenter = "CNC-4", due = At(2, 17),
                      materials = new[] { new { item = "BAR-STOCK", quantity = 400, lotId = "L-5521" } } }),
            Event("lot-l6001", "mes-cnc", "LotProduced", "lot/L-6001", At(0, 7),
                new { lotId = "L-6001", item = "AXLE-BLANK", quantity = 100, fromLots = new[] { "L-5521" }, productionOrderId = "PR-77" }),
            Event("pr-78", "sap-oh", "ProductionOrderReleased", "production-order/PR-78", At(0, 7),
                new { orderId = "PR-78", salesOrderId = "SO-1001", item = "AXLE-40", quantity = 400, workCenter = "ASM-1", due = At(3, 17),
                      materials = new[] { new { item = "AXLE-BLANK", quantity = 100, lotId = "L-6001" } } }),
            Event("lot-l7001", "mes-asm", "LotProduced", "lot/L-7001", At(0, 8),
                new { lotId = "L-7001", item = "AXLE-40", quantity = 100, fromLots = Array.Empty<string>(), productionOrderId = "PR-78" }),
            Event("sh-900", "sap-oh", "ShipmentPlanned", "shipment/SH-900", At(0, 8),
                new { shipmentId = "SH-900", salesOrderIds = new[] { "SO-1001" }, lotIds = new[] { "L-7001" }, carrier = "FastFreight", plannedDate = Friday.AddHours(-8) }),
            // Another order on another machine, with its own lot and shipment: nothing that follows may touch it.
            Event("pr-80", "sap-oh", "ProductionOrderReleased", "production-order/PR-80", At(0, 6),
                new { orderId = "PR-80", item = "HUB", quantity = 50, workCenter = "CNC-5", due = Friday, materials = new[] { new { item = "CASTING", quantity = 50, lotId = "L-9999" } } }),
            Event("sh-901", "sap-oh", "ShipmentPlanned", "shipment/SH-901", At(0, 6),
                new { shipmentId = "SH-901", salesOrderIds = Array.Empty<string>(), lotIds = new[] { "L-9999" }, carrier = "FastFreight", plannedDate = Friday }));
    }

    /// <summary>09:05: CNC-4 stops; one case finds what it touches and routes it to every function at once.</summary>
    private async Task BreakDownCnc4Async(CancellationToken ct)
    {
        await MoveToAsync(At(0, 9, 5), "MES reports CNC-4 down (spindle fault)", ct);
        await PostEventsAsync(ct, Event("cnc4-down", "mes-cnc", "MachineStateChanged", "work-center/CNC-4", At(0, 9, 5),
            new { workCenter = "CNC-4", state = "down", reasonCode = "SP-101", reason = "spindle fault" }));
        var found = await narrator.WhileAsync("exceptions: opening a case, assessing impact, routing",
            () => RespondingCaseAsync("machineDown", c => c.Items("state.routedTo").Count() >= 3, ct));
        _record.MachineCase = found;
        _record.MachineCaseId = found.At("caseId").GetGuid();
        var impact = found.At("state.impact");
        narrator.Fact($"case {_record.MachineCaseId} opened, severity {found.Text("state.severity")}");
        narrator.Fact($"impact: production orders {string.Join(", ", impact.Texts("productionOrders"))}; lots {string.Join(", ", impact.Texts("lots"))}; " +
                      $"shipments {string.Join(", ", impact.Texts("shipments"))}");
        foreach (var commitment in impact.Items("commitments"))
            narrator.Fact($"at risk: {commitment.Text("salesOrderId")} for {commitment.Text("customer")}, promised {commitment.At("promiseDate")}; value at risk {impact.At("valueAtRisk")} USD");
        narrator.Fact($"routed at once to: {string.Join(", ", found.Items("state.routedTo").Select(r => r.Text("function")))}");
    }
}
