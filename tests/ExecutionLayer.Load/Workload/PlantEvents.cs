namespace ExecutionLayer.Load.Workload;

/// <summary>
/// What the plants' ERP and MES post, as intake batches: an order's slice of the day (order, material lot,
/// production order, produced lot, shipment and now and then a KPI reading), a breakdown, a quality hold.
/// Ids carry the run and the operation's number, so every event is new to the system and named once.
/// </summary>
public sealed class PlantEvents(string run)
{
    /// <summary>This run's mark on every id it makes.</summary>
    public string Run => run;

    /// <summary>A CloudEvent in its structured JSON form, as the intake reads it.</summary>
    public sealed record IntakeEvent(string Id, string Source, string Type, string Site, string Subject, DateTimeOffset Time, object Data)
    {
        public string Specversion => "1.0";
    }

    /// <summary>One customer order on its way through a plant: what ERP and MES report about it in a shift.</summary>
    public IntakeEvent[] OrderSlice(int n, string site, Random random, DateTimeOffset now)
    {
        var (so, pr, rawLot, lot, shipment) = ($"SO-{run}-{n}", $"PR-{run}-{n}", $"LR-{run}-{n}", $"LP-{run}-{n}", $"SH-{run}-{n}");
        var workCenter = $"{PlantSites.Code(site).ToUpperInvariant()}-CNC-{random.Next(1, 9)}";
        var quantity = random.Next(50, 800);
        var promise = now.AddDays(random.Next(2, 10));
        var events = new List<IntakeEvent>
        {
            new(Id(n, "so"), "erp", "SalesOrderConfirmed", site, $"sales-order/{so}", now,
                new { orderId = so, customer = $"Customer {random.Next(1, 40)}", item = "AXLE-40", quantity, promiseDate = promise, value = quantity * 120, currency = "USD" }),
            new(Id(n, "rcv"), "erp", "MaterialReceived", site, $"lot/{rawLot}", now,
                new { purchaseOrderId = $"PO-{run}-{n}", lotId = rawLot, item = "BAR-STOCK", quantity = quantity * 3 }),
            new(Id(n, "pr"), "erp", "ProductionOrderReleased", site, $"production-order/{pr}", now,
                new { orderId = pr, salesOrderId = so, item = "AXLE-40", quantity, workCenter, due = promise.AddDays(-1),
                      materials = new[] { new { item = "BAR-STOCK", quantity, lotId = rawLot } } }),
            new(Id(n, "lot"), "mes", "LotProduced", site, $"lot/{lot}", now,
                new { lotId = lot, item = "AXLE-40", quantity = quantity / 2, fromLots = new[] { rawLot }, productionOrderId = pr }),
            new(Id(n, "sh"), "erp", "ShipmentPlanned", site, $"shipment/{shipment}", now,
                new { shipmentId = shipment, salesOrderIds = new[] { so }, lotIds = new[] { lot }, carrier = "FastFreight", plannedDate = promise.AddHours(-8) }),
        };
        if (random.Next(4) == 0)
            events.Add(new(Id(n, "kpi"), "mes", "KpiMeasured", site, "kpi/scrap-rate", now,
                new { kpi = "scrap-rate", value = Math.Round((decimal)(random.NextDouble() * 4), 2), unit = "%", measuredAt = now }));
        return [.. events];
    }

    /// <summary>A machine with work on it stops: the order it runs, and the MES's breakdown report.</summary>
    public IntakeEvent[] Breakdown(int n, string site, Random random, DateTimeOffset now, out string workCenter)
    {
        var machine = $"{PlantSites.Code(site).ToUpperInvariant()}-M-{run}-{n}";
        workCenter = machine;
        var slice = OrderSlice(n, site, random, now);
        var onTheMachine = slice.Select(e => e.Type == "ProductionOrderReleased" ? e with { Data = Retarget(e.Data, machine) } : e);
        return [.. onTheMachine, new(Id(n, "down"), "mes", "MachineStateChanged", site, $"work-center/{machine}", now,
            new { workCenter = machine, state = "down", reasonCode = "SP-101", reason = "spindle fault" })];
    }

    /// <summary>A lot put on hold: the slice it belongs to, then the quality system's hold.</summary>
    public IntakeEvent[] Hold(int n, string site, Random random, DateTimeOffset now)
    {
        var slice = OrderSlice(n, site, random, now);
        return [.. slice, new(Id(n, "hold"), "qms", "QualityHoldRaised", site, $"lot/LR-{run}-{n}", now,
            new { holdId = $"QH-{run}-{n}", lotId = $"LR-{run}-{n}", reason = "hardness out of spec" })];
    }

    private string Id(int n, string what) => $"{run}-{n}-{what}";

    private static object Retarget(object productionOrder, string workCenter)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(productionOrder)!.AsObject();
        json["workCenter"] = workCenter;
        return json;
    }
}
