namespace ExecutionLayer.Exceptions.Tests;

/// <summary>The day at a plant from DOMAIN.md, as the ERP and MES post it.</summary>
public static class PlantDay
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Friday = new(2026, 11, 27, 17, 0, 0, TimeSpan.Zero);

    public static object Event(string id, string source, string type, string subject, DateTimeOffset at, object data, string site = "OH-DAYTON") =>
        new { specversion = "1.0", id, source, type, site, subject, time = at, data };

    /// <summary>Orders, genealogy and shipments before anything goes wrong. L-5521 → PR-77 → L-6001 → PR-78 → L-7001 → SH-900.</summary>
    public static object[] Plan(string suffix = "") =>
    [
        Event($"so{suffix}", "sap-oh", "SalesOrderConfirmed", $"sales-order/SO-1001{suffix}", Monday.AddHours(6).AddMinutes(10),
            new { orderId = $"SO-1001{suffix}", customer = "Acme Axles", item = "AXLE-40", quantity = 400, promiseDate = Friday, value = 48_000, currency = "USD" }),
        Event($"rcv{suffix}", "sap-oh", "MaterialReceived", $"lot/L-5521{suffix}", Monday.AddHours(6),
            new { purchaseOrderId = $"PO-88{suffix}", lotId = $"L-5521{suffix}", item = "BAR-STOCK", quantity = 1200 }),
        Event($"pr77{suffix}", "sap-oh", "ProductionOrderReleased", $"production-order/PR-77{suffix}", Monday.AddHours(6).AddMinutes(20),
            new { orderId = $"PR-77{suffix}", salesOrderId = $"SO-1001{suffix}", item = "AXLE-BLANK", quantity = 400, workCenter = $"CNC-4{suffix}", due = Friday.AddDays(-2),
                  materials = new[] { new { item = "BAR-STOCK", quantity = 400, lotId = $"L-5521{suffix}" } } }),
        Event($"l6001{suffix}", "mes-cnc", "LotProduced", $"lot/L-6001{suffix}", Monday.AddHours(7),
            new { lotId = $"L-6001{suffix}", item = "AXLE-BLANK", quantity = 100, fromLots = new[] { $"L-5521{suffix}" }, productionOrderId = $"PR-77{suffix}" }),
        Event($"pr78{suffix}", "sap-oh", "ProductionOrderReleased", $"production-order/PR-78{suffix}", Monday.AddHours(7),
            new { orderId = $"PR-78{suffix}", salesOrderId = $"SO-1001{suffix}", item = "AXLE-40", quantity = 400, workCenter = $"ASM-1{suffix}", due = Friday.AddDays(-1),
                  materials = new[] { new { item = "AXLE-BLANK", quantity = 100, lotId = $"L-6001{suffix}" } } }),
        Event($"l7001{suffix}", "mes-asm", "LotProduced", $"lot/L-7001{suffix}", Monday.AddHours(8),
            new { lotId = $"L-7001{suffix}", item = "AXLE-40", quantity = 100, fromLots = Array.Empty<string>(), productionOrderId = $"PR-78{suffix}" }),
        Event($"sh900{suffix}", "sap-oh", "ShipmentPlanned", $"shipment/SH-900{suffix}", Monday.AddHours(8),
            new { shipmentId = $"SH-900{suffix}", salesOrderIds = new[] { $"SO-1001{suffix}" }, lotIds = new[] { $"L-7001{suffix}" }, carrier = "FastFreight", plannedDate = Friday.AddHours(-8) }),
        // An unrelated order on another machine, with its own lot and shipment: nothing here may be touched.
        Event($"pr80{suffix}", "sap-oh", "ProductionOrderReleased", $"production-order/PR-80{suffix}", Monday.AddHours(6),
            new { orderId = $"PR-80{suffix}", item = "HUB", quantity = 50, workCenter = $"CNC-5{suffix}", due = Friday, materials = new[] { new { item = "CASTING", quantity = 50, lotId = $"L-9999{suffix}" } } }),
        Event($"sh901{suffix}", "sap-oh", "ShipmentPlanned", $"shipment/SH-901{suffix}", Monday.AddHours(6),
            new { shipmentId = $"SH-901{suffix}", salesOrderIds = Array.Empty<string>(), lotIds = new[] { $"L-9999{suffix}" }, carrier = "FastFreight", plannedDate = Friday }),
    ];

    public static object CncDown(string suffix = "") =>
        Event($"cnc4-down{suffix}", "mes-cnc", "MachineStateChanged", $"work-center/CNC-4{suffix}", Monday.AddHours(9).AddMinutes(5),
            new { workCenter = $"CNC-4{suffix}", state = "down", reasonCode = "SP-101", reason = "spindle fault" });

    public static object HoldOnBarStock(string suffix = "") =>
        Event($"hold{suffix}", "mes-qms", "QualityHoldRaised", $"lot/L-5521{suffix}", Monday.AddHours(10).AddMinutes(30),
            new { holdId = $"QH-1{suffix}", lotId = $"L-5521{suffix}", reason = "hardness out of spec" });

    /// <summary>PR-78 needs bearings on Wednesday; the purchase order for them is due Tuesday.</summary>
    public static object[] BearingsNeededAndOrdered(string suffix, string purchaseOrderId) =>
    [
        Event($"req{suffix}", "sap-oh", "MaterialRequirement", $"production-order/PR-78{suffix}", Monday.AddHours(7),
            new { productionOrderId = $"PR-78{suffix}", item = $"BEARING{suffix}", quantity = 800, needDate = Monday.AddDays(2) }),
        Event($"{purchaseOrderId}-placed", "sap-oh", "PurchaseOrderPlaced", $"purchase-order/{purchaseOrderId}", Monday.AddHours(7),
            new { purchaseOrderId, supplier = "Ball & Roller", item = $"BEARING{suffix}", quantity = 800, eta = Monday.AddDays(1) }),
    ];
}
