using ExecutionLayer.Client.Api.Exceptions;
using ExecutionLayer.Client.Models;
using Microsoft.Kiota.Abstractions;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>Before the day: who holds which role, the overtime policy, the bridge's subscription, action rules and KPIs.</summary>
    private async Task SetUpThePlantAsync(CancellationToken ct)
    {
        if (await OrderExistsAsync("SO-1001", ct))
            throw new InvalidOperationException("This system already holds the demo day (SO-1001 exists). infra/run.sh --demo starts it on a fresh demo database.");
        _monday = PlantClock.NextMonday(await clock.NowAsync(ct));
        _record.Monday = _monday;
        await MoveToAsync(At(0, 6), $"Setting up {Site} (the services' clocks moved to Monday 06:00)", ct);

        var api = cast.Admin.Api;
        await api.Directory[Site].Roles["plant-manager"].PutAsync(new() { People = [PlantManager] }, cancellationToken: ct);
        await api.Directory["CORPORATE"].Roles["operations-director"].PutAsync(new() { People = [Director] }, cancellationToken: ct);
        await api.Policies["overtime"].PutAsync(Policies.OneStage("Overtime", "overtime", "Plant manager", "plant-manager", "PT4H", "operations-director", "P2D",
            new() { ValueAtRiskUpPercent = 50, NewCustomer = true, Cleared = true }), cancellationToken: ct);
        narrator.Fact($"policy 'overtime': the plant manager ({PlantManager}) within 4 h, then the operations director ({Director}); " +
                      "confirmed on the data now if value at risk rose over 50 %, a new customer is hit, or the stop is over");
        await api.Directory[Site].Roles["quality-lead"].PutAsync(new() { People = [QualityLead] }, cancellationToken: ct);
        await api.Policies["deviation"].PutAsync(Policies.OneStage("Use-as-is deviation", "deviation", "Quality lead", "quality-lead", "P2D", "plant-manager", "P3D",
            new() { Cleared = true }), cancellationToken: ct);
        narrator.Fact($"policy 'deviation': the quality lead ({QualityLead}) within 2 days, then the plant manager; confirmed on the data now if the hold is gone");
        await api.Webhooks.Subscriptions.PostAsync(new() { Url = bridge.Url, Secret = bridge.Secret }, cancellationToken: ct);
        narrator.Fact($"approver bridge subscribed at {bridge.Url} (signed webhooks)");
        await api.Directory[Site].Roles["customer-service-lead"].PutAsync(new() { People = [CustomerService] }, cancellationToken: ct);
        await api.Policies["promise-date-change"].PutAsync(Policies.TwoStages("Promise date moved", "promise-date-change",
            ("Customer service", "customer-service-lead"), ("Plant manager", "plant-manager"), "PT8H", "operations-director", "P2D"), cancellationToken: ct);
        await api.GovernedFields[Site]["sales-order"]["promise-date"].PutAsync(new()
            { OwnerRole = "customer-service-rep", SubjectType = "promise-date-change", FreeUpTo = 1 }, cancellationToken: ct);
        narrator.Fact($"governed: a sales order's promise date — a day later is planning's to make; later needs the customer-service lead ({CustomerService}) " +
                      $"and the plant manager; a date SAP moves with no grant goes to customer service");
        await api.Webhooks.Subscriptions.PostAsync(new() { Url = erp.Url, Secret = erp.Secret, EventTypes = ["change.approved", "erp.command"] }, cancellationToken: ct);
        narrator.Fact($"the ERP's endpoint for granted changes and accepted recommendations' commands subscribed at {erp.Url} (change.approved, erp.command)");
        await api.Policies["recommended-expedites"].PutAsync(Policies.OneStage("Recommended expedite", "recommendation.expedite-purchase-order", "Plant manager",
            "plant-manager", "PT2H", "operations-director", "P1D"), cancellationToken: ct);
        await api.RecommendationPolicies[Site]["expedite-purchase-order"].PutAsync(new() { AutoAcceptUpTo = 2_000, MinConfidence = 0.8 }, cancellationToken: ct);
        narrator.Fact($"recommendations: the planning assistant may expedite a purchase order alone up to USD 2,000 when at least 80 % sure; " +
                      $"beyond that the plant manager ({PlantManager}) decides within 2 h");
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
            Event("kpi-scrap-w47", "mes-qms", "kpi/scrap-rate", At(-3, 18), new KpiMeasuredEvent { Data = new() { Kpi = "scrap-rate", Value = 3.4, Unit = "%", MeasuredAt = At(-3, 18) } }),
            Event("kpi-otd-w47", "sap-oh", "kpi/on-time-delivery", At(-3, 18), new KpiMeasuredEvent { Data = new() { Kpi = "on-time-delivery", Value = 91.0, Unit = "%", MeasuredAt = At(-3, 18) } }));

        // The cascade the week is measured against, for the quarter (and year) the week's review falls in.
        await api.Objectives["deliver-on-time"].PutAsync(new()
        {
            Name = "Deliver what we promise", Level = ObjectiveLevel.Corporate, Perspective = Perspective.Customer, Owner = Director, Period = $"{Friday:yyyy}",
            Kpis = [new() { Site = Site, Kpi = "on-time-delivery", Weight = 1 }],
        }, cancellationToken: ct);
        await api.Objectives["dayton-ships-good-parts"].PutAsync(new()
        {
            Name = "Dayton ships good parts on time", Level = ObjectiveLevel.Site, Site = Site, Parent = "deliver-on-time", Perspective = Perspective.Customer,
            Owner = PlantManager, Period = Quarter, Kpis = [new() { Site = Site, Kpi = "on-time-delivery", Weight = 2 }, new() { Site = Site, Kpi = "scrap-rate", Weight = 1 }],
        }, cancellationToken: ct);
        narrator.Fact($"objectives: 'Deliver what we promise' (the company, {Friday:yyyy}) ← 'Dayton ships good parts on time' ({Quarter}: on-time delivery ×2, scrap ×1)");
    }

    /// <summary>The quarter the week's review falls in: the scorecard's period.</summary>
    private string Quarter => $"{Friday:yyyy}-Q{(Friday.Month - 1) / 3 + 1}";

    /// <summary>06:00–08:00: SO-1001, PR-77 on CNC-4 from lot L-5521 (started 06:45), its descendants, shipment SH-900, and an unrelated order.</summary>
    private async Task PostTheMorningPlanAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 8, 10), "ERP and MES post the morning: SO-1001 for Acme Axles, PR-77 on CNC-4 from lot L-5521, shipment SH-900", ct);
        await PostEventsAsync(ct,
            Event("so-1001", "sap-oh", "sales-order/SO-1001", At(0, 6, 10), new SalesOrderConfirmedEvent { Data = new()
                { OrderId = "SO-1001", Customer = "Acme Axles", Item = "AXLE-40", Quantity = 400, PromiseDate = Friday, Value = 48_000, Currency = "USD" } }),
            Event("rcv-l5521", "sap-oh", "lot/L-5521", At(0, 6), new MaterialReceivedEvent { Data = new()
                { PurchaseOrderId = "PO-88", LotId = "L-5521", Item = "BAR-STOCK", Quantity = 1200 } }),
            Event("pr-77", "sap-oh", "production-order/PR-77", At(0, 6, 20), new ProductionOrderReleasedEvent { Data = new()
                {
                    OrderId = "PR-77", SalesOrderId = "SO-1001", Item = "AXLE-BLANK", Quantity = 400, WorkCenter = "CNC-4", Due = At(2, 17),
                    Materials = [new() { Item = "BAR-STOCK", Quantity = 400, LotId = "L-5521" }],
                    // Scheduled on CNC-4 from 06:30 to noon: the plan its schedule adherence is judged on.
                    Routing = [new() { Step = 10, WorkCenter = "CNC-4", PlannedStart = At(0, 6, 30), PlannedFinish = At(0, 12) }],
                } }),
            Event("pr-77-op10-started", "mes-cnc", "production-order/PR-77", At(0, 6, 45), new OperationStartedEvent { Data = new()
                { ProductionOrderId = "PR-77", Step = 10, WorkCenter = "CNC-4" } }),
            Event("lot-l6001", "mes-cnc", "lot/L-6001", At(0, 7), new LotProducedEvent { Data = new()
                { LotId = "L-6001", Item = "AXLE-BLANK", Quantity = 100, FromLots = ["L-5521"], ProductionOrderId = "PR-77" } }),
            Event("pr-78", "sap-oh", "production-order/PR-78", At(0, 7), new ProductionOrderReleasedEvent { Data = new()
                {
                    OrderId = "PR-78", SalesOrderId = "SO-1001", Item = "AXLE-40", Quantity = 400, WorkCenter = "ASM-1", Due = At(3, 17),
                    Materials = [new() { Item = "AXLE-BLANK", Quantity = 100, LotId = "L-6001" }],
                } }),
            Event("lot-l7001", "mes-asm", "lot/L-7001", At(0, 8), new LotProducedEvent { Data = new()
                { LotId = "L-7001", Item = "AXLE-40", Quantity = 100, FromLots = [], ProductionOrderId = "PR-78" } }),
            Event("sh-900", "sap-oh", "shipment/SH-900", At(0, 8), new ShipmentPlannedEvent { Data = new()
                { ShipmentId = "SH-900", SalesOrderIds = ["SO-1001"], LotIds = ["L-7001"], Carrier = "FastFreight", PlannedDate = Friday.AddHours(-8) } }),
            // Another order on another machine, with its own lot and shipment: nothing that follows may touch it.
            Event("pr-80", "sap-oh", "production-order/PR-80", At(0, 6), new ProductionOrderReleasedEvent { Data = new()
                {
                    OrderId = "PR-80", Item = "HUB", Quantity = 50, WorkCenter = "CNC-5", Due = Friday,
                    Materials = [new() { Item = "CASTING", Quantity = 50, LotId = "L-9999" }],
                } }),
            Event("sh-901", "sap-oh", "shipment/SH-901", At(0, 6), new ShipmentPlannedEvent { Data = new()
                { ShipmentId = "SH-901", SalesOrderIds = [], LotIds = ["L-9999"], Carrier = "FastFreight", PlannedDate = Friday } }));
    }

    /// <summary>Whether this system already holds an order: the graph answers 404 for one it never heard of.</summary>
    private async Task<bool> OrderExistsAsync(string order, CancellationToken ct)
    {
        try
        {
            await cast.PlanningDesk.Api.Graph.Orders[order].GetAsync(cancellationToken: ct);
            return true;
        }
        catch (ApiException e) when (e.ResponseStatusCode == 404)
        {
            return false;
        }
    }

    /// <summary>09:05: CNC-4 stops; one case finds what it touches and routes it to every function at once.</summary>
    private async Task BreakDownCnc4Async(CancellationToken ct)
    {
        await MoveToAsync(At(0, 9, 5), "MES reports CNC-4 down (spindle fault)", ct);
        await PostEventsAsync(ct, Event("cnc4-down", "mes-cnc", "work-center/CNC-4", At(0, 9, 5), new MachineStateChangedEvent { Data = new()
            { WorkCenter = "CNC-4", State = MachineStateChanged_state.Down, ReasonCode = "SP-101", Reason = "spindle fault" } }));
        var found = await narrator.WhileAsync("exceptions: opening a case, assessing impact, routing",
            () => RespondingCaseAsync(GetKindQueryParameterType.MachineDown, c => c.State?.RoutedTo?.Count >= 3, ct));
        _record.MachineCase = found;
        _record.MachineCaseId = found.CaseId!.Value;
        var impact = found.State!.Impact!;
        narrator.Fact($"case {_record.MachineCaseId} opened, severity {Camel(found.State.Severity)}");
        narrator.Fact($"impact: production orders {string.Join(", ", impact.ProductionOrders ?? [])}; lots {string.Join(", ", impact.Lots ?? [])}; " +
                      $"shipments {string.Join(", ", impact.Shipments ?? [])}");
        foreach (var commitment in impact.Commitments ?? [])
            narrator.Fact($"at risk: {commitment.SalesOrderId} for {commitment.Customer}, promised {commitment.PromiseDate:O}; value at risk {impact.ValueAtRisk} USD");
        narrator.Fact($"routed at once to: {string.Join(", ", found.State.RoutedTo!.Select(r => r.Function))}");
    }
}
