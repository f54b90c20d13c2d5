using ExecutionLayer.Exceptions.Intake;
using Npgsql;

namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// Applies one fact to the graph. Entity upserts carry the fact's source time and only win when it is
/// not older than what the row holds; relations (genealogy, order lots, shipment contents) only grow.
/// </summary>
internal sealed class GraphWriter(string s)
{
    public Task ApplyAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, object fact, CancellationToken ct) => fact switch
    {
        SalesOrderConfirmed f => Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.sales_orders AS t (order_id, site, customer, item, quantity, promise_date, value, currency, as_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (order_id) DO UPDATE SET customer = EXCLUDED.customer, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                promise_date = EXCLUDED.promise_date, value = EXCLUDED.value, currency = EXCLUDED.currency, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.OrderId, site, f.Customer, f.Item, f.Quantity, f.PromiseDate, f.Value, f.Currency, at),
        ProductionOrderReleased f => ReleaseAsync(tx, site, at, f, ct),
        MachineStateChanged f => Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.work_centers AS t (site, work_center, state, reason_code, as_of) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (site, work_center) DO UPDATE SET state = EXCLUDED.state, reason_code = EXCLUDED.reason_code, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, site, f.WorkCenter, f.State.ToString(), f.ReasonCode, at),
        MaterialRequirement f => Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.material_requirements AS t (production_order_id, item, site, quantity, need_date, as_of) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (production_order_id, item) DO UPDATE SET quantity = EXCLUDED.quantity, need_date = EXCLUDED.need_date, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.ProductionOrderId, f.Item, site, f.Quantity, f.NeedDate, at),
        PurchaseOrderPlaced f => Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.purchase_orders AS t (purchase_order_id, site, supplier, item, quantity, eta, as_of) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (purchase_order_id) DO UPDATE SET supplier = EXCLUDED.supplier, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                eta = EXCLUDED.eta, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.PurchaseOrderId, site, f.Supplier, f.Item, f.Quantity, f.Eta, at),
        SupplierDeliveryDelayed f => Sql.ExecAsync(tx, $"UPDATE {s}.purchase_orders SET eta = $2, as_of = $3 WHERE purchase_order_id = $1 AND as_of <= $3",
            ct, f.PurchaseOrderId, f.NewEta, at),
        MaterialReceived f => ReceiveAsync(tx, site, at, f, ct),
        LotProduced f => ProduceAsync(tx, site, at, f, ct),
        LotConsumed f => ConsumeAsync(tx, f.LotId, f.ProductionOrderId, ct),
        ShipmentPlanned f => PlanShipmentAsync(tx, site, at, f, ct),
        ShipmentDispatched f => Sql.ExecAsync(tx, $"UPDATE {s}.shipments SET status = 'dispatched', as_of = $2 WHERE shipment_id = $1 AND as_of <= $2",
            ct, f.ShipmentId, at),
        _ => Task.CompletedTask, // holds are applied by the detector (they block); KPIs and actuals are not graph facts
    };

    private async Task ReleaseAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, ProductionOrderReleased f, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.production_orders AS t (order_id, site, sales_order_id, item, quantity, work_center, due, as_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (order_id) DO UPDATE SET sales_order_id = EXCLUDED.sales_order_id, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                work_center = EXCLUDED.work_center, due = EXCLUDED.due, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.OrderId, site, f.SalesOrderId, f.Item, f.Quantity, f.WorkCenter, f.Due, at);
        foreach (var lot in f.Materials.Where(m => m.LotId is not null).Select(m => m.LotId!))
            await ConsumeAsync(tx, lot, f.OrderId, ct);
    }

    /// <summary>An order consuming a lot makes every lot that order produces a child of it (whichever fact arrives first).</summary>
    private async Task ConsumeAsync(NpgsqlTransaction tx, string lotId, string productionOrderId, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.order_lots (production_order_id, lot_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", ct, productionOrderId, lotId);
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.lot_links (parent_lot, child_lot)
            SELECT $1, lot_id FROM {s}.lots WHERE produced_by_order = $2 AND lot_id <> $1 ON CONFLICT DO NOTHING
            """, ct, lotId, productionOrderId);
    }

    private async Task ReceiveAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, MaterialReceived f, CancellationToken ct)
    {
        await UpsertLotAsync(tx, site, at, f.LotId, f.Item, f.Quantity, null, ct);
        await Sql.ExecAsync(tx, $"UPDATE {s}.purchase_orders SET received = true WHERE purchase_order_id = $1", ct, f.PurchaseOrderId);
    }

    private async Task ProduceAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, LotProduced f, CancellationToken ct)
    {
        await UpsertLotAsync(tx, site, at, f.LotId, f.Item, f.Quantity, f.ProductionOrderId, ct);
        foreach (var parent in f.FromLots)
            await Sql.ExecAsync(tx, $"INSERT INTO {s}.lot_links (parent_lot, child_lot) VALUES ($1, $2) ON CONFLICT DO NOTHING", ct, parent, f.LotId);
        if (f.ProductionOrderId is not null)
            await Sql.ExecAsync(tx, $"""
                INSERT INTO {s}.lot_links (parent_lot, child_lot)
                SELECT lot_id, $2 FROM {s}.order_lots WHERE production_order_id = $1 AND lot_id <> $2 ON CONFLICT DO NOTHING
                """, ct, f.ProductionOrderId, f.LotId);
    }

    private Task UpsertLotAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, string lotId, string item, decimal quantity, string? producedBy, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.lots AS t (lot_id, site, item, quantity, produced_by_order, as_of) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (lot_id) DO UPDATE SET item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                produced_by_order = coalesce(EXCLUDED.produced_by_order, t.produced_by_order), as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, lotId, site, item, quantity, producedBy, at);

    private async Task PlanShipmentAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, ShipmentPlanned f, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.shipments AS t (shipment_id, site, carrier, planned_date, as_of) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (shipment_id) DO UPDATE SET carrier = EXCLUDED.carrier, planned_date = EXCLUDED.planned_date, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.ShipmentId, site, f.Carrier, f.PlannedDate, at);
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.shipment_orders (shipment_id, sales_order_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", ct, f.ShipmentId, f.SalesOrderIds);
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.shipment_lots (shipment_id, lot_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", ct, f.ShipmentId, f.LotIds);
    }
}
