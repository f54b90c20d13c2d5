namespace ExecutionLayer.PlantData;

/// <summary>
/// Generates a plant network from a seed. Per site: raw bar-stock lots; per sales order a machining
/// order (consuming one or two raw lots, so a raw lot feeds several orders) producing blank lots, an
/// assembly order consuming those blanks producing finished lots, and a shipment of the finished lots.
/// </summary>
public static class PlantGenerator
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Customers = ["Acme Axles", "Borg Drivetrain", "Cascade Trucks", "Delta Agri", "Evergreen Rail", "Frontier Marine"];

    public static PlantModel Generate(PlantScale scale, int seed = 20261123, string prefix = "")
    {
        var random = new Random(seed);
        var model = new PlantModel();
        foreach (var site in scale.Sites)
        {
            var code = site[..2];
            var raw = Enumerable.Range(0, scale.RawLotsPerSite)
                .Select(i => new Lot($"{prefix}{code}-R{i:D6}", site, "BAR-STOCK", 2_000, null, [])).ToArray();
            model.Lots.AddRange(raw);

            for (var i = 0; i < scale.SalesOrdersPerSite; i++)
            {
                var open = random.NextDouble() < scale.OpenShare;
                var promise = Epoch.AddDays(open ? random.Next(3, 21) : -random.Next(1, 365)).AddHours(17);
                var quantity = random.Next(50, 500);
                var so = new SalesOrder($"{prefix}{code}-SO{i:D6}", site, Customers[random.Next(Customers.Length)], $"AXLE-{random.Next(10, 60)}",
                    quantity, promise, Math.Round(quantity * (decimal)(80 + random.NextDouble() * 120), 2));
                model.SalesOrders.Add(so);

                var consumed = random.NextDouble() < 0.3
                    ? new[] { raw[random.Next(raw.Length)].Id, raw[random.Next(raw.Length)].Id }.Distinct().ToArray()
                    : [raw[random.Next(raw.Length)].Id];
                var machining = new ProductionOrder($"{prefix}{code}-PM{i:D6}", site, so.Id, "AXLE-BLANK", quantity,
                    $"{code}-CNC-{random.Next(scale.WorkCentersPerSite / 2):D2}", promise.AddDays(-2), !open, consumed);
                var blanks = Produce(model, machining, scale.LotsPerOrder, consumed, prefix);
                var assembly = new ProductionOrder($"{prefix}{code}-PA{i:D6}", site, so.Id, so.Item, quantity,
                    $"{code}-ASM-{random.Next(scale.WorkCentersPerSite - scale.WorkCentersPerSite / 2):D2}", promise.AddDays(-1), !open, blanks);
                model.ProductionOrders.Add(machining);
                model.ProductionOrders.Add(assembly);
                var finished = Produce(model, assembly, scale.LotsPerOrder, blanks, prefix);
                model.Shipments.Add(new Shipment($"{prefix}{code}-SH{i:D6}", site, so.Id, finished, promise.AddHours(-8), !open));
            }
        }
        return model;
    }

    private static string[] Produce(PlantModel model, ProductionOrder order, int count, IReadOnlyList<string> from, string prefix)
    {
        var lots = Enumerable.Range(0, count)
            .Select(n => new Lot($"{prefix}{order.Id[prefix.Length..]}-L{n}", order.Site, order.Item, order.Quantity / count, order.Id, from)).ToArray();
        model.Lots.AddRange(lots);
        return [.. lots.Select(l => l.Id)];
    }
}
