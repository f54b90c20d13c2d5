namespace ExecutionLayer.PlantData;

public sealed record SalesOrder(string Id, string Site, string Customer, string Item, int Quantity, DateTimeOffset PromiseDate, decimal Value);

public sealed record ProductionOrder(
    string Id, string Site, string SalesOrderId, string Item, int Quantity, string WorkCenter, DateTimeOffset Due, bool Completed, IReadOnlyList<string> ConsumesLots);

public sealed record Lot(string Id, string Site, string Item, int Quantity, string? ProducedBy, IReadOnlyList<string> FromLots);

public sealed record Shipment(string Id, string Site, string SalesOrderId, IReadOnlyList<string> Lots, DateTimeOffset PlannedDate, bool Dispatched);

/// <summary>
/// A generated plant network, identical for the same seed and scale, with the answers impact analysis
/// must find computed here in memory — independently of the SQL that computes them in the service.
/// </summary>
public sealed class PlantModel
{
    public List<SalesOrder> SalesOrders { get; } = [];
    public List<ProductionOrder> ProductionOrders { get; } = [];
    public List<Lot> Lots { get; } = [];
    public List<Shipment> Shipments { get; } = [];

    public IEnumerable<string> WorkCenters(string site) => ProductionOrders.Where(o => o.Site == site).Select(o => o.WorkCenter).Distinct().Order(StringComparer.Ordinal);

    public IEnumerable<Lot> RawLots(string site) => Lots.Where(l => l.Site == site && l.ProducedBy is null);

    /// <summary>A work center is down: its open orders, the lots they made, and the undispatched shipments of their sales orders or containing those lots.</summary>
    public (string[] Orders, string[] Lots, string[] Shipments, string[] SalesOrders) ImpactOfWorkCenter(string site, string workCenter)
    {
        var orders = ProductionOrders.Where(o => o.Site == site && o.WorkCenter == workCenter && !o.Completed).ToArray();
        var orderIds = orders.Select(o => o.Id).ToHashSet();
        var lots = Lots.Where(l => l.ProducedBy is not null && orderIds.Contains(l.ProducedBy)).Select(l => l.Id).ToHashSet();
        var salesOrders = orders.Select(o => o.SalesOrderId).ToHashSet();
        var shipments = Shipments.Where(s => !s.Dispatched && (salesOrders.Contains(s.SalesOrderId) || s.Lots.Any(lots.Contains))).ToArray();
        foreach (var s in shipments) salesOrders.Add(s.SalesOrderId);
        return (Sorted(orderIds), Sorted(lots), Sorted(shipments.Select(s => s.Id)), Sorted(salesOrders));
    }

    /// <summary>A hold on a lot: it and every descendant, the open orders consuming any of them, the undispatched shipments containing any.</summary>
    public (string[] Lots, string[] Orders, string[] Shipments) HoldOn(string lotId)
    {
        var children = Lots.SelectMany(l => l.FromLots.Select(parent => (parent, child: l.Id))).ToLookup(p => p.parent, p => p.child);
        var tree = new HashSet<string> { lotId };
        var queue = new Queue<string>([lotId]);
        while (queue.TryDequeue(out var lot))
            foreach (var child in children[lot])
                if (tree.Add(child)) queue.Enqueue(child);
        var orders = ProductionOrders.Where(o => !o.Completed && o.ConsumesLots.Any(tree.Contains)).Select(o => o.Id);
        var shipments = Shipments.Where(s => !s.Dispatched && s.Lots.Any(tree.Contains)).Select(s => s.Id);
        return (Sorted(tree), Sorted(orders), Sorted(shipments));
    }

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];
}
