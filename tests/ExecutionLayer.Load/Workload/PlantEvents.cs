using ExecutionLayer.Client.Models;

namespace ExecutionLayer.Load.Workload;

/// <summary>
/// What the plants' ERP and MES post, as intake batches of the generated client's facts: an order's slice of the
/// day (order, material lot, production order, produced lot, shipment and now and then a KPI reading), a
/// breakdown, a quality hold. Ids carry the run and the operation's number, so every event is new to the system
/// and named once.
/// </summary>
public sealed class PlantEvents(string run)
{
    /// <summary>This run's mark on every id it makes.</summary>
    public string Run => run;

    /// <summary>One customer order on its way through a plant: what ERP and MES report about it in a shift.</summary>
    public List<OperationalEvent> OrderSlice(int n, string site, Random random, DateTimeOffset now) =>
        OrderSlice(n, site, random, now, $"{PlantSites.Code(site).ToUpperInvariant()}-CNC-{random.Next(1, 9)}");

    private List<OperationalEvent> OrderSlice(int n, string site, Random random, DateTimeOffset now, string workCenter)
    {
        var (so, pr, rawLot, lot, shipment) = ($"SO-{run}-{n}", $"PR-{run}-{n}", $"LR-{run}-{n}", $"LP-{run}-{n}", $"SH-{run}-{n}");
        var quantity = random.Next(50, 800);
        var promise = now.AddDays(random.Next(2, 10));
        var events = new List<OperationalEvent>
        {
            OperationalEvent.Of(new SalesOrderConfirmedEvent { Data = new()
                { OrderId = so, Customer = $"Customer {random.Next(1, 40)}", Item = "AXLE-40", Quantity = quantity, PromiseDate = promise, Value = quantity * 120, Currency = "USD" } },
                Id(n, "so"), "erp", site, $"sales-order/{so}", now),
            OperationalEvent.Of(new MaterialReceivedEvent { Data = new() { PurchaseOrderId = $"PO-{run}-{n}", LotId = rawLot, Item = "BAR-STOCK", Quantity = quantity * 3 } },
                Id(n, "rcv"), "erp", site, $"lot/{rawLot}", now),
            OperationalEvent.Of(new ProductionOrderReleasedEvent { Data = new()
                {
                    OrderId = pr, SalesOrderId = so, Item = "AXLE-40", Quantity = quantity, WorkCenter = workCenter, Due = promise.AddDays(-1),
                    Materials = [new() { Item = "BAR-STOCK", Quantity = quantity, LotId = rawLot }],
                } },
                Id(n, "pr"), "erp", site, $"production-order/{pr}", now),
            OperationalEvent.Of(new LotProducedEvent { Data = new() { LotId = lot, Item = "AXLE-40", Quantity = quantity / 2, FromLots = [rawLot], ProductionOrderId = pr } },
                Id(n, "lot"), "mes", site, $"lot/{lot}", now),
            OperationalEvent.Of(new ShipmentPlannedEvent { Data = new()
                { ShipmentId = shipment, SalesOrderIds = [so], LotIds = [lot], Carrier = "FastFreight", PlannedDate = promise.AddHours(-8) } },
                Id(n, "sh"), "erp", site, $"shipment/{shipment}", now),
        };
        if (random.Next(4) == 0)
            events.Add(OperationalEvent.Of(new KpiMeasuredEvent { Data = new() { Kpi = "scrap-rate", Value = Math.Round(random.NextDouble() * 4, 2), Unit = "%", MeasuredAt = now } },
                Id(n, "kpi"), "mes", site, "kpi/scrap-rate", now));
        return events;
    }

    /// <summary>A machine with work on it stops: the order it runs, and the MES's breakdown report.</summary>
    public List<OperationalEvent> Breakdown(int n, string site, Random random, DateTimeOffset now, out string workCenter)
    {
        var machine = $"{PlantSites.Code(site).ToUpperInvariant()}-M-{run}-{n}";
        workCenter = machine;
        return [.. OrderSlice(n, site, random, now, machine),
            OperationalEvent.Of(new MachineStateChangedEvent { Data = new() { WorkCenter = machine, State = MachineStateChanged_state.Down, ReasonCode = "SP-101", Reason = "spindle fault" } },
                Id(n, "down"), "mes", site, $"work-center/{machine}", now)];
    }

    /// <summary>A lot put on hold: the slice it belongs to, then the quality system's hold.</summary>
    public List<OperationalEvent> Hold(int n, string site, Random random, DateTimeOffset now) =>
        [.. OrderSlice(n, site, random, now),
            OperationalEvent.Of(new QualityHoldRaisedEvent { Data = new() { HoldId = $"QH-{run}-{n}", LotId = $"LR-{run}-{n}", Reason = "hardness out of spec" } },
                Id(n, "hold"), "qms", site, $"lot/LR-{run}-{n}", now)];

    private string Id(int n, string what) => $"{run}-{n}-{what}";
}
