namespace ExecutionLayer.PlantData;

/// <summary>The generated plant as the ERP and MES would post it to the intake (CloudEvents-shaped objects), in a causal order.</summary>
public static class PlantEvents
{
    public static object Event(string id, string source, string type, string site, string subject, DateTimeOffset at, object data) =>
        new { specversion = "1.0", id, source, type, site, subject, time = at, data };

    public static IEnumerable<object> Of(PlantModel model)
    {
        var at = PlantGenerator.Epoch.AddHours(-12);
        foreach (var lot in model.Lots.Where(l => l.ProducedBy is null))
            yield return Event($"rcv-{lot.Id}", "sap", "MaterialReceived", lot.Site, $"lot/{lot.Id}", at,
                new { purchaseOrderId = $"PO-{lot.Id}", lotId = lot.Id, lot.Item, quantity = lot.Quantity });
        foreach (var so in model.SalesOrders)
            yield return Event($"so-{so.Id}", "sap", "SalesOrderConfirmed", so.Site, $"sales-order/{so.Id}", at,
                new { orderId = so.Id, so.Customer, so.Item, quantity = so.Quantity, promiseDate = so.PromiseDate, value = so.Value, currency = "USD" });
        var producedBy = model.Lots.Where(l => l.ProducedBy is not null).ToLookup(l => l.ProducedBy!);
        foreach (var order in model.ProductionOrders)
        {
            yield return Event($"rel-{order.Id}", "sap", "ProductionOrderReleased", order.Site, $"production-order/{order.Id}", at,
                new
                {
                    orderId = order.Id, salesOrderId = order.SalesOrderId, order.Item, quantity = order.Quantity, order.WorkCenter, due = order.Due,
                    materials = order.ConsumesLots.Select(l => new { item = "BAR-STOCK", quantity = 1, lotId = l }).ToArray(),
                });
            foreach (var lot in producedBy[order.Id])
                yield return Event($"prod-{lot.Id}", "mes", "LotProduced", lot.Site, $"lot/{lot.Id}", at,
                    new { lotId = lot.Id, lot.Item, quantity = lot.Quantity, fromLots = lot.FromLots, productionOrderId = order.Id });
            if (order.Completed) // history: the MES reported the full quantity good
                yield return Event($"act-{order.Id}", "mes", "ProductionActualReported", order.Site, $"production-order/{order.Id}", at,
                    new { productionOrderId = order.Id, quantityGood = order.Quantity, quantityScrap = 0 });
        }
        foreach (var shipment in model.Shipments)
        {
            yield return Event($"ship-{shipment.Id}", "sap", "ShipmentPlanned", shipment.Site, $"shipment/{shipment.Id}", at,
                new { shipmentId = shipment.Id, salesOrderIds = new[] { shipment.SalesOrderId }, lotIds = shipment.Lots, carrier = "FastFreight", plannedDate = shipment.PlannedDate });
            if (shipment.Dispatched)
                yield return Event($"disp-{shipment.Id}", "sap", "ShipmentDispatched", shipment.Site, $"shipment/{shipment.Id}", at,
                    new { shipmentId = shipment.Id, dispatchedAt = shipment.PlannedDate });
        }
    }
}
