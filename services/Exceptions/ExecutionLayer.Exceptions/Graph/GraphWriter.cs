using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;
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
        PurchaseOrderPlaced f => PlaceAsync(tx, site, at, f, ct),
        SupplierDeliveryDelayed f => FollowUpAsync(tx, "eta", f.PurchaseOrderId, at, f.NewEta, null, ct),
        MaterialReceived f => ReceiveAsync(tx, site, at, f, ct),
        LotProduced f => ProduceAsync(tx, site, at, f, ct),
        LotConsumed f => ConsumeAsync(tx, f.LotId, f.ProductionOrderId, ct),
        ShipmentPlanned f => PlanShipmentAsync(tx, site, at, f, ct),
        ShipmentDispatched f => FollowUpAsync(tx, "dispatched", f.ShipmentId, at, f.DispatchedAt, null, ct),
        ProductionActualReported f => FollowUpAsync(tx, "actual", f.ProductionOrderId, at, null, f.QuantityGood, ct),
        _ => Task.CompletedTask, // holds are applied by the detector (they block); KPIs are not graph facts
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
        await ApplyFollowUpsAsync(tx, "actual", f.OrderId, ct);
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

    private async Task PlaceAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, PurchaseOrderPlaced f, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {s}.purchase_orders AS t (purchase_order_id, site, supplier, item, quantity, eta, as_of) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (purchase_order_id) DO UPDATE SET supplier = EXCLUDED.supplier, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                eta = EXCLUDED.eta, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, ct, f.PurchaseOrderId, site, f.Supplier, f.Item, f.Quantity, f.Eta, at);
        await ApplyFollowUpsAsync(tx, "eta", f.PurchaseOrderId, ct);
        await ApplyFollowUpsAsync(tx, "received", f.PurchaseOrderId, ct);
    }

    /// <summary>
    /// Facts about an entity that may arrive before the entity itself (a delay before the purchase
    /// order, actuals before the release, a dispatch before the plan) are kept, then applied — now if
    /// the entity exists, otherwise when it arrives. Either order gives the same graph.
    /// </summary>
    private async Task FollowUpAsync(NpgsqlTransaction tx, string kind, string key, DateTimeOffset at, DateTimeOffset? time, decimal? number, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.follow_up_facts (kind, key, at, time_value, number_value) VALUES ($1, $2, $3, $4::timestamptz, $5::numeric)",
            ct, kind, key, at, time, number);
        await ApplyFollowUpsAsync(tx, kind, key, ct);
    }

    private Task ApplyFollowUpsAsync(NpgsqlTransaction tx, string kind, string key, CancellationToken ct) => kind switch
    {
        // The latest delay reported since the order was (last) placed wins; a re-placed order starts over.
        "eta" => Sql.ExecAsync(tx, $"""
            UPDATE {s}.purchase_orders p SET eta = f.time_value
            FROM (SELECT time_value, at FROM {s}.follow_up_facts WHERE kind = 'eta' AND key = $1 ORDER BY at DESC, id DESC LIMIT 1) f
            WHERE p.purchase_order_id = $1 AND f.at >= p.as_of
            """, ct, key),
        "received" => Sql.ExecAsync(tx, $"""
            UPDATE {s}.purchase_orders SET received = true
            WHERE purchase_order_id = $1 AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'received' AND key = $1)
            """, ct, key),
        "dispatched" => Sql.ExecAsync(tx, $"""
            UPDATE {s}.shipments SET status = 'dispatched'
            WHERE shipment_id = $1 AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'dispatched' AND key = $1)
            """, ct, key),
        // Actuals add up (the intake takes each report once); the full quantity good means done, and out of impact.
        _ => Sql.ExecAsync(tx, $"""
            UPDATE {s}.production_orders o SET quantity_good = a.good, status = CASE WHEN a.good >= o.quantity THEN 'completed' ELSE o.status END
            FROM (SELECT coalesce(sum(number_value), 0) AS good FROM {s}.follow_up_facts WHERE kind = 'actual' AND key = $1) a
            WHERE o.order_id = $1
            """, ct, key),
    };

    private async Task ReceiveAsync(NpgsqlTransaction tx, string site, DateTimeOffset at, MaterialReceived f, CancellationToken ct)
    {
        await UpsertLotAsync(tx, site, at, f.LotId, f.Item, f.Quantity, null, ct);
        await FollowUpAsync(tx, "received", f.PurchaseOrderId, at, null, null, ct);
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
        await ApplyFollowUpsAsync(tx, "dispatched", f.ShipmentId, ct);
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.shipment_orders (shipment_id, sales_order_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", ct, f.ShipmentId, f.SalesOrderIds);
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.shipment_lots (shipment_id, lot_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", ct, f.ShipmentId, f.LotIds);
    }
}
