using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// Takes facts into the graph, as statements batched for one round trip. Entity upserts carry the fact's source time and only win when it is
/// not older than what the row holds; relations (genealogy, order lots, shipment contents) only grow.
/// </summary>
internal sealed class GraphWriter(string s)
{
    /// <summary>
    /// The graph's turn: writers of the graph, and of what open cases watch in it, take it one at a time —
    /// the intake's transactions, and a delayed case opening — so each fact is applied and detected on a graph
    /// holding every fact committed before it, and two transactions never lock its rows in opposite orders.
    /// </summary>
    public const string Turn = "exceptions-graph";

    /// <summary>Adds the statements that take one fact into the graph to <paramref name="b"/>, in the order they must run.</summary>
    public void Add(SqlBatch b, string site, DateTimeOffset at, object fact)
    {
        switch (fact)
        {
            case SalesOrderConfirmed f:
                b.Add($"""
                INSERT INTO {s}.sales_orders AS t (order_id, site, customer, item, quantity, promise_date, value, currency, as_of)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (order_id) DO UPDATE SET customer = EXCLUDED.customer, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                    promise_date = EXCLUDED.promise_date, value = EXCLUDED.value, currency = EXCLUDED.currency, as_of = EXCLUDED.as_of
                WHERE t.as_of <= EXCLUDED.as_of
                """, f.OrderId, site, f.Customer, f.Item, f.Quantity, f.PromiseDate, f.Value, f.Currency, at);
                break;
            case ProductionOrderReleased f:
                Release(b, site, at, f);
                break;
            case MachineStateChanged f:
                b.Add($"""
                INSERT INTO {s}.work_centers AS t (site, work_center, state, reason_code, as_of) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (site, work_center) DO UPDATE SET state = EXCLUDED.state, reason_code = EXCLUDED.reason_code, as_of = EXCLUDED.as_of
                WHERE t.as_of <= EXCLUDED.as_of
                """, site, f.WorkCenter, f.State.ToString(), f.ReasonCode, at);
                break;
            case MaterialRequirement f:
                b.Add($"""
                INSERT INTO {s}.material_requirements AS t (production_order_id, item, site, quantity, need_date, as_of) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (production_order_id, item) DO UPDATE SET quantity = EXCLUDED.quantity, need_date = EXCLUDED.need_date, as_of = EXCLUDED.as_of
                WHERE t.as_of <= EXCLUDED.as_of
                """, f.ProductionOrderId, f.Item, site, f.Quantity, f.NeedDate, at);
                break;
            case PurchaseOrderPlaced f:
                Place(b, site, at, f);
                break;
            case SupplierDeliveryDelayed f:
                FollowUp(b, "eta", f.PurchaseOrderId, at, f.NewEta, null);
                break;
            case MaterialReceived f:
                Receive(b, site, at, f);
                break;
            case LotProduced f:
                Produce(b, site, at, f);
                break;
            case LotConsumed f:
                Consume(b, f.LotId, f.ProductionOrderId);
                break;
            case ShipmentPlanned f:
                PlanShipment(b, site, at, f);
                break;
            case ShipmentDispatched f:
                FollowUp(b, "dispatched", f.ShipmentId, at, f.DispatchedAt, null);
                break;
            case ProductionActualReported f:
                FollowUp(b, "actual", f.ProductionOrderId, at, null, f.QuantityGood);
                break;
            // Holds are applied by the detector (they block); KPIs are not graph facts.
        }
    }

    /// <summary>
    /// A governed field set to the value a change request was granted: the plan of record moves now, before the ERP reports it, so
    /// the cases watching the entity are re-assessed with it. Its as-of stays: the ERP's next report of the entity still lands.
    /// </summary>
    public Task SetGovernedAsync(NpgsqlTransaction tx, Governing.GovernableField field, string entityId, string value, CancellationToken ct) => field.Key switch
    {
        "sales-order.promise-date" => Sql.ExecAsync(tx, $"UPDATE {s}.sales_orders SET promise_date = $2::timestamptz WHERE order_id = $1", ct, entityId, value),
        "production-order.due-date" => Sql.ExecAsync(tx, $"UPDATE {s}.production_orders SET due = $2::timestamptz WHERE order_id = $1", ct, entityId, value),
        "shipment.carrier" => Sql.ExecAsync(tx, $"UPDATE {s}.shipments SET carrier = $2 WHERE shipment_id = $1", ct, entityId, value),
        "shipment.planned-date" => Sql.ExecAsync(tx, $"UPDATE {s}.shipments SET planned_date = $2::timestamptz WHERE shipment_id = $1", ct, entityId, value),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Key, "Not a governable field."),
    };

    private void Release(SqlBatch b, string site, DateTimeOffset at, ProductionOrderReleased f)
    {
        b.Add($"""
            INSERT INTO {s}.production_orders AS t (order_id, site, sales_order_id, item, quantity, work_center, due, as_of)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (order_id) DO UPDATE SET sales_order_id = EXCLUDED.sales_order_id, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                work_center = EXCLUDED.work_center, due = EXCLUDED.due, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, f.OrderId, site, f.SalesOrderId, f.Item, f.Quantity, f.WorkCenter, f.Due, at);
        ApplyFollowUps(b, "actual", f.OrderId);
        foreach (var lot in f.Materials.Where(m => m.LotId is not null).Select(m => m.LotId!))
            Consume(b, lot, f.OrderId);
    }

    /// <summary>An order consuming a lot makes every lot that order produces a child of it (whichever fact arrives first).</summary>
    private void Consume(SqlBatch b, string lotId, string productionOrderId)
    {
        b.Add($"INSERT INTO {s}.order_lots (production_order_id, lot_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", productionOrderId, lotId);
        b.Add($"""
            INSERT INTO {s}.lot_links (parent_lot, child_lot)
            SELECT $1, lot_id FROM {s}.lots WHERE produced_by_order = $2 AND lot_id <> $1 ON CONFLICT DO NOTHING
            """, lotId, productionOrderId);
    }

    private void Place(SqlBatch b, string site, DateTimeOffset at, PurchaseOrderPlaced f)
    {
        b.Add($"""
            INSERT INTO {s}.purchase_orders AS t (purchase_order_id, site, supplier, item, quantity, eta, as_of) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (purchase_order_id) DO UPDATE SET supplier = EXCLUDED.supplier, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                eta = EXCLUDED.eta, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, f.PurchaseOrderId, site, f.Supplier, f.Item, f.Quantity, f.Eta, at);
        ApplyFollowUps(b, "eta", f.PurchaseOrderId);
        ApplyFollowUps(b, "received", f.PurchaseOrderId);
    }

    /// <summary>
    /// Facts about an entity that may arrive before the entity itself (a delay before the purchase
    /// order, actuals before the release, a dispatch before the plan) are kept, then applied — now if
    /// the entity exists, otherwise when it arrives. Either order gives the same graph.
    /// </summary>
    private void FollowUp(SqlBatch b, string kind, string key, DateTimeOffset at, DateTimeOffset? time, decimal? number)
    {
        b.Add($"INSERT INTO {s}.follow_up_facts (kind, key, at, time_value, number_value) VALUES ($1, $2, $3, $4::timestamptz, $5::numeric)",
            kind, key, at, time, number);
        ApplyFollowUps(b, kind, key);
    }

    private void ApplyFollowUps(SqlBatch b, string kind, string key) => b.Add(kind switch
    {
        // The latest delay reported since the order was (last) placed wins; a re-placed order starts over.
        "eta" => $"""
            UPDATE {s}.purchase_orders p SET eta = f.time_value
            FROM (SELECT time_value, at FROM {s}.follow_up_facts WHERE kind = 'eta' AND key = $1 ORDER BY at DESC, id DESC LIMIT 1) f
            WHERE p.purchase_order_id = $1 AND f.at >= p.as_of
            """,
        "received" => $"""
            UPDATE {s}.purchase_orders SET received = true
            WHERE purchase_order_id = $1 AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'received' AND key = $1)
            """,
        "dispatched" => $"""
            UPDATE {s}.shipments SET status = 'dispatched'
            WHERE shipment_id = $1 AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'dispatched' AND key = $1)
            """,
        // Actuals add up (the intake takes each report once); the full quantity good means done, and out of impact.
        _ => $"""
            UPDATE {s}.production_orders o SET quantity_good = a.good, status = CASE WHEN a.good >= o.quantity THEN 'completed' ELSE o.status END
            FROM (SELECT coalesce(sum(number_value), 0) AS good FROM {s}.follow_up_facts WHERE kind = 'actual' AND key = $1) a
            WHERE o.order_id = $1
            """,
    }, key);

    private void Receive(SqlBatch b, string site, DateTimeOffset at, MaterialReceived f)
    {
        UpsertLot(b, site, at, f.LotId, f.Item, f.Quantity, null);
        FollowUp(b, "received", f.PurchaseOrderId, at, null, null);
    }

    private void Produce(SqlBatch b, string site, DateTimeOffset at, LotProduced f)
    {
        UpsertLot(b, site, at, f.LotId, f.Item, f.Quantity, f.ProductionOrderId);
        foreach (var parent in f.FromLots)
            b.Add($"INSERT INTO {s}.lot_links (parent_lot, child_lot) VALUES ($1, $2) ON CONFLICT DO NOTHING", parent, f.LotId);
        if (f.ProductionOrderId is not null)
            b.Add($"""
                INSERT INTO {s}.lot_links (parent_lot, child_lot)
                SELECT lot_id, $2 FROM {s}.order_lots WHERE production_order_id = $1 AND lot_id <> $2 ON CONFLICT DO NOTHING
                """, f.ProductionOrderId, f.LotId);
    }

    private void UpsertLot(SqlBatch b, string site, DateTimeOffset at, string lotId, string item, decimal quantity, string? producedBy) =>
        b.Add($"""
            INSERT INTO {s}.lots AS t (lot_id, site, item, quantity, produced_by_order, as_of) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (lot_id) DO UPDATE SET item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                produced_by_order = coalesce(EXCLUDED.produced_by_order, t.produced_by_order), as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, lotId, site, item, quantity, producedBy, at);

    private void PlanShipment(SqlBatch b, string site, DateTimeOffset at, ShipmentPlanned f)
    {
        b.Add($"""
            INSERT INTO {s}.shipments AS t (shipment_id, site, carrier, planned_date, as_of) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (shipment_id) DO UPDATE SET carrier = EXCLUDED.carrier, planned_date = EXCLUDED.planned_date, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, f.ShipmentId, site, f.Carrier, f.PlannedDate, at);
        ApplyFollowUps(b, "dispatched", f.ShipmentId);
        b.Add($"INSERT INTO {s}.shipment_orders (shipment_id, sales_order_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", f.ShipmentId, f.SalesOrderIds);
        b.Add($"INSERT INTO {s}.shipment_lots (shipment_id, lot_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", f.ShipmentId, f.LotIds);
    }
}
