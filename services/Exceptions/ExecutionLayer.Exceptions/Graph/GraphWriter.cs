using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;
using Npgsql;
using static ExecutionLayer.Exceptions.Graph.Columnar;

namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// Takes runs of facts into the graph, as set-based statements batched for one round trip. Entity upserts carry the fact's source time and
/// only win when it is not older than what the row holds; relations (genealogy, order lots, shipment contents) only grow.
/// </summary>
internal sealed class GraphWriter(string s)
{
    /// <summary>
    /// The graph's turn: writers of the graph, and of what open cases watch in it, take it one at a time —
    /// the intake's transactions, and a delayed case opening — so each fact is applied and detected on a graph
    /// holding every fact committed before it, and two transactions never lock its rows in opposite orders.
    /// </summary>
    public const string Turn = "exceptions-graph";

    /// <summary>
    /// Adds to <paramref name="b"/> the statements that take a run of facts into the graph, a few per kind of row however many facts
    /// there are: each kind's rows in one statement, upserted as applying the facts one by one in the order given would leave them.
    /// </summary>
    public void Add(SqlBatch b, IReadOnlyList<GraphFact> facts)
    {
        Upsert(b, facts, (GraphFact t, SalesOrderConfirmed f) => f.OrderId, rows => ($"""
            INSERT INTO {s}.sales_orders AS t (order_id, site, customer, item, quantity, promise_date, value, currency, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[], $7::numeric[], $8::text[], $9::timestamptz[])
            ON CONFLICT (order_id) DO UPDATE SET customer = EXCLUDED.customer, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                promise_date = EXCLUDED.promise_date, value = EXCLUDED.value, currency = EXCLUDED.currency, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.OrderId), Col(rows, r => r.T.Site), Col(rows, r => r.F.Customer), Col(rows, r => r.F.Item), Col(rows, r => r.F.Quantity),
                Times(rows, r => r.F.PromiseDate), Col(rows, r => r.F.Value), Col(rows, r => r.F.Currency), Times(rows, r => r.T.At)]));
        Upsert(b, facts, (GraphFact t, ProductionOrderReleased f) => f.OrderId, rows => ($"""
            INSERT INTO {s}.production_orders AS t (order_id, site, sales_order_id, item, quantity, work_center, due, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::timestamptz[], $8::timestamptz[])
            ON CONFLICT (order_id) DO UPDATE SET sales_order_id = EXCLUDED.sales_order_id, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                work_center = EXCLUDED.work_center, due = EXCLUDED.due, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.OrderId), Col(rows, r => r.T.Site), Col(rows, r => r.F.SalesOrderId), Col(rows, r => r.F.Item), Col(rows, r => r.F.Quantity),
                Col(rows, r => r.F.WorkCenter), Times(rows, r => r.F.Due), Times(rows, r => r.T.At)]));
        Upsert(b, facts, (GraphFact t, MachineStateChanged f) => (t.Site, f.WorkCenter), rows => ($"""
            INSERT INTO {s}.work_centers AS t (site, work_center, state, reason_code, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
            ON CONFLICT (site, work_center) DO UPDATE SET state = EXCLUDED.state, reason_code = EXCLUDED.reason_code, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.T.Site), Col(rows, r => r.F.WorkCenter), Col(rows, r => r.F.State.ToString()), Col(rows, r => r.F.ReasonCode),
                Times(rows, r => r.T.At)]));
        Upsert(b, facts, (GraphFact t, MaterialRequirement f) => (f.ProductionOrderId, f.Item), rows => ($"""
            INSERT INTO {s}.material_requirements AS t (production_order_id, item, site, quantity, need_date, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::timestamptz[], $6::timestamptz[])
            ON CONFLICT (production_order_id, item) DO UPDATE SET quantity = EXCLUDED.quantity, need_date = EXCLUDED.need_date, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.ProductionOrderId), Col(rows, r => r.F.Item), Col(rows, r => r.T.Site), Col(rows, r => r.F.Quantity),
                Times(rows, r => r.F.NeedDate), Times(rows, r => r.T.At)]));
        Upsert(b, facts, (GraphFact t, PurchaseOrderPlaced f) => f.PurchaseOrderId, rows => ($"""
            INSERT INTO {s}.purchase_orders AS t (purchase_order_id, site, supplier, item, quantity, eta, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[], $7::timestamptz[])
            ON CONFLICT (purchase_order_id) DO UPDATE SET supplier = EXCLUDED.supplier, item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                eta = EXCLUDED.eta, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.PurchaseOrderId), Col(rows, r => r.T.Site), Col(rows, r => r.F.Supplier), Col(rows, r => r.F.Item), Col(rows, r => r.F.Quantity),
                Times(rows, r => r.F.Eta), Times(rows, r => r.T.At)]));
        // A lot comes into the graph received (bought) or produced (made, by an order when the MES says which).
        Upsert(b, facts, (GraphFact t, LotFact f) => f.LotId, rows => ($"""
            INSERT INTO {s}.lots AS t (lot_id, site, item, quantity, produced_by_order, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::timestamptz[])
            ON CONFLICT (lot_id) DO UPDATE SET item = EXCLUDED.item, quantity = EXCLUDED.quantity,
                produced_by_order = coalesce(EXCLUDED.produced_by_order, t.produced_by_order), as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.LotId), Col(rows, r => r.T.Site), Col(rows, r => r.F.Item), Col(rows, r => r.F.Quantity), Col(rows, r => r.F.ProducedBy),
                Times(rows, r => r.T.At)]), LotFact.Of);
        Upsert(b, facts, (GraphFact t, ShipmentPlanned f) => f.ShipmentId, rows => ($"""
            INSERT INTO {s}.shipments AS t (shipment_id, site, carrier, planned_date, as_of)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
            ON CONFLICT (shipment_id) DO UPDATE SET carrier = EXCLUDED.carrier, planned_date = EXCLUDED.planned_date, as_of = EXCLUDED.as_of
            WHERE t.as_of <= EXCLUDED.as_of
            """, [Col(rows, r => r.F.ShipmentId), Col(rows, r => r.T.Site), Col(rows, r => r.F.Carrier), Times(rows, r => r.F.PlannedDate), Times(rows, r => r.T.At)]));

        Relations(b, facts);
        FollowUps(b, facts);
        // Holds are applied by the detector (they block); KPIs are not graph facts.
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

    /// <summary>
    /// Relations only grow, so they are inserted whatever their order. An order consuming a lot makes every lot that order produces
    /// a child of it, whichever fact arrives first: both directions are joined once the run's lots and order lots are in.
    /// </summary>
    private void Relations(SqlBatch b, IReadOnlyList<GraphFact> facts)
    {
        var consumed = facts.SelectMany(t => t.Fact switch
        {
            ProductionOrderReleased f => f.Materials.Where(m => m.LotId is not null).Select(m => (Lot: m.LotId!, Order: f.OrderId)),
            LotConsumed f => [(f.LotId, f.ProductionOrderId)],
            _ => [],
        }).Distinct().ToList();
        var produced = facts.Select(t => t.Fact).OfType<LotProduced>().ToList();
        var madeFrom = produced.SelectMany(f => f.FromLots.Select(parent => (Parent: parent, Child: f.LotId))).Distinct().ToList();
        var byOrder = produced.Where(f => f.ProductionOrderId is not null).Select(f => (Lot: f.LotId, Order: f.ProductionOrderId!)).Distinct().ToList();
        var planned = facts.Select(t => t.Fact).OfType<ShipmentPlanned>().ToList();
        var shipmentOrders = planned.SelectMany(f => f.SalesOrderIds.Select(o => (Shipment: f.ShipmentId, Order: o))).Distinct().ToList();
        var shipmentLots = planned.SelectMany(f => f.LotIds.Select(l => (Shipment: f.ShipmentId, Lot: l))).Distinct().ToList();

        Link(b, "order_lots (production_order_id, lot_id)", [.. consumed.Select(c => (c.Order, c.Lot))]);
        Link(b, "lot_links (parent_lot, child_lot)", madeFrom);
        // Genealogy through orders, both ways in one statement: a lot an order of the run consumed is the parent of every lot
        // that order has produced, and a lot produced in the run is the child of every lot its order has consumed.
        if (consumed.Count + byOrder.Count > 0)
            b.Add($"""
                INSERT INTO {s}.lot_links (parent_lot, child_lot)
                SELECT c.lot_id, l.lot_id FROM unnest($1::text[], $2::text[]) AS c(lot_id, production_order_id)
                JOIN {s}.lots l ON l.produced_by_order = c.production_order_id AND l.lot_id <> c.lot_id
                UNION
                SELECT ol.lot_id, p.lot_id FROM unnest($3::text[], $4::text[]) AS p(lot_id, production_order_id)
                JOIN {s}.order_lots ol ON ol.production_order_id = p.production_order_id AND ol.lot_id <> p.lot_id
                ON CONFLICT DO NOTHING
                """, Col(consumed, c => c.Lot), Col(consumed, c => c.Order), Col(byOrder, p => p.Lot), Col(byOrder, p => p.Order));
        Link(b, "shipment_orders (shipment_id, sales_order_id)", shipmentOrders);
        Link(b, "shipment_lots (shipment_id, lot_id)", shipmentLots);
    }

    /// <summary>Pairs added to a relation (its name and two columns), those it already has left as they are.</summary>
    private void Link(SqlBatch b, string relation, List<(string, string)> pairs)
    {
        if (pairs.Count == 0) return;
        b.Add($"INSERT INTO {s}.{relation} SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            Col(pairs, p => p.Item1), Col(pairs, p => p.Item2));
    }

    /// <summary>
    /// Facts about an entity that may arrive before the entity itself (a delay before the purchase order, actuals before the
    /// release, a dispatch before the plan) are kept, then applied to every entity of the run they may concern — the kept facts
    /// and the entity as it now stands decide, so either order of arrival gives the same graph.
    /// </summary>
    private void FollowUps(SqlBatch b, IReadOnlyList<GraphFact> facts)
    {
        var kept = facts.Select(t => t.Fact switch
        {
            SupplierDeliveryDelayed f => new FollowUp("eta", f.PurchaseOrderId, t.At, f.NewEta, null),
            MaterialReceived f => new FollowUp("received", f.PurchaseOrderId, t.At, null, null),
            ShipmentDispatched f => new FollowUp("dispatched", f.ShipmentId, t.At, f.DispatchedAt, null),
            ProductionActualReported f => new FollowUp("actual", f.ProductionOrderId, t.At, null, f.QuantityGood),
            _ => null,
        }).OfType<FollowUp>().ToList();
        if (kept.Count > 0)
            // In the run's order: the latest of two delays reported at the same time is the one reported last.
            b.Add($"""
                INSERT INTO {s}.follow_up_facts (kind, key, at, time_value, number_value)
                SELECT kind, key, at, time_value, number_value
                FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::numeric[]) WITH ORDINALITY AS f(kind, key, at, time_value, number_value, n)
                ORDER BY n
                """, Col(kept, f => f.Kind), Col(kept, f => f.Key), Times(kept, f => f.At), Col(kept, f => f.Time?.UtcDateTime), Col(kept, f => f.Number));

        string[] Keys(string kind, IEnumerable<string> entities) => [.. kept.Where(f => f.Kind == kind).Select(f => f.Key).Concat(entities).Distinct()];
        var purchaseOrders = facts.Select(t => t.Fact).OfType<PurchaseOrderPlaced>().Select(f => f.PurchaseOrderId).ToList();
        var eta = Keys("eta", purchaseOrders);
        var received = Keys("received", purchaseOrders);
        var dispatched = Keys("dispatched", facts.Select(t => t.Fact).OfType<ShipmentPlanned>().Select(f => f.ShipmentId));
        var actual = Keys("actual", facts.Select(t => t.Fact).OfType<ProductionOrderReleased>().Select(f => f.OrderId));

        // The latest delay reported since the order was (last) placed wins; a re-placed order starts over.
        if (eta.Length > 0)
            b.Add($"""
                UPDATE {s}.purchase_orders p SET eta = f.time_value
                FROM (SELECT DISTINCT ON (key) key, time_value, at FROM {s}.follow_up_facts WHERE kind = 'eta' AND key = ANY($1) ORDER BY key, at DESC, id DESC) f
                WHERE p.purchase_order_id = f.key AND f.at >= p.as_of
                """, [eta]);
        if (received.Length > 0)
            b.Add($"""
                UPDATE {s}.purchase_orders p SET received = true
                WHERE p.purchase_order_id = ANY($1) AND NOT p.received
                  AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'received' AND key = p.purchase_order_id)
                """, [received]);
        if (dispatched.Length > 0)
            b.Add($"""
                UPDATE {s}.shipments x SET status = 'dispatched'
                WHERE x.shipment_id = ANY($1) AND EXISTS (SELECT 1 FROM {s}.follow_up_facts WHERE kind = 'dispatched' AND key = x.shipment_id)
                """, [dispatched]);
        // Actuals add up (the intake takes each report once); the full quantity good means done, and out of impact.
        if (actual.Length > 0)
            b.Add($"""
                UPDATE {s}.production_orders o SET quantity_good = a.good, status = CASE WHEN a.good >= o.quantity THEN 'completed' ELSE o.status END
                FROM (SELECT k.key, (SELECT coalesce(sum(number_value), 0) FROM {s}.follow_up_facts WHERE kind = 'actual' AND key = k.key) AS good
                      FROM unnest($1::text[]) AS k(key)) a
                WHERE o.order_id = a.key
                """, [actual]);
    }

    /// <summary>
    /// One upsert statement per round of the run's facts of one kind: a round holds at most one fact per row, and a row's facts go
    /// in successive rounds in the order given — so each upsert's source-time guard sees what the fact before it left, as one by one.
    /// </summary>
    private static void Upsert<TRow, TKey>(SqlBatch b, IReadOnlyList<GraphFact> facts, Func<GraphFact, TRow, TKey> key,
        Func<List<(GraphFact T, TRow F)>, (string Sql, object?[] Args)> statement, Func<object, TRow?> read)
        where TRow : class where TKey : notnull
    {
        var rows = facts.Select(t => (T: t, F: read(t.Fact))).Where(r => r.F is not null).Select(r => (r.T, F: r.F!)).ToList();
        foreach (var round in Rounds(rows, r => key(r.T, r.F)))
        {
            var (sql, args) = statement(round);
            b.Add(sql, args);
        }
    }

    private static void Upsert<TRow, TKey>(SqlBatch b, IReadOnlyList<GraphFact> facts, Func<GraphFact, TRow, TKey> key,
        Func<List<(GraphFact T, TRow F)>, (string Sql, object?[] Args)> statement) where TRow : class where TKey : notnull =>
        Upsert(b, facts, key, statement, f => f as TRow);

    private sealed record FollowUp(string Kind, string Key, DateTimeOffset At, DateTimeOffset? Time, decimal? Number);

    /// <summary>What a received or produced lot puts in its row.</summary>
    private sealed record LotFact(string LotId, string Item, decimal Quantity, string? ProducedBy)
    {
        public static LotFact? Of(object fact) => fact switch
        {
            MaterialReceived f => new(f.LotId, f.Item, f.Quantity, null),
            LotProduced f => new(f.LotId, f.Item, f.Quantity, f.ProductionOrderId),
            _ => null,
        };
    }
}

/// <summary>A fact as the graph takes it: at its site, as of its source time.</summary>
internal sealed record GraphFact(string Site, DateTimeOffset At, object Fact);
