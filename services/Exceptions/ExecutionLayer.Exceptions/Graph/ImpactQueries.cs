using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// What a deviation touches, computed in the database: genealogy walks are one recursive CTE, not a
/// loop of queries, so they stay fast at plant scale.
/// </summary>
internal sealed class ImpactQueries(string s)
{
    private string Descendants => $"""
        WITH RECURSIVE tree(lot_id) AS (
            SELECT $1::text
            UNION
            SELECT l.child_lot FROM {s}.lot_links l JOIN tree t ON l.parent_lot = t.lot_id)
        """;

    /// <summary>A work center is down: its open production orders, the lots they make, their customers and shipments.</summary>
    public async Task<Impact> OfWorkCenterAsync(NpgsqlTransaction tx, string site, string workCenter, CancellationToken ct)
    {
        var orders = await Sql.StringsAsync(tx, $"""
            SELECT order_id FROM {s}.production_orders WHERE site = $1 AND work_center = $2 AND status <> 'completed' ORDER BY order_id
            """, ct, site, workCenter);
        return await OfProductionOrdersAsync(tx, orders, ct);
    }

    /// <summary>
    /// A purchase order arrives too late: the open production orders at its site that need its item
    /// before its current ETA, and what hangs off them. No ETA (unknown PO) means no impact.
    /// </summary>
    public async Task<Impact> OfLateSupplyAsync(NpgsqlTransaction tx, string purchaseOrderId, CancellationToken ct)
    {
        var orders = await Sql.StringsAsync(tx, $"""
            SELECT DISTINCT r.production_order_id FROM {s}.purchase_orders p
            JOIN {s}.material_requirements r ON r.site = p.site AND r.item = p.item AND r.need_date < p.eta
            JOIN {s}.production_orders o ON o.order_id = r.production_order_id AND o.status <> 'completed'
            WHERE p.purchase_order_id = $1 AND NOT p.received
            ORDER BY 1
            """, ct, purchaseOrderId);
        return await OfProductionOrdersAsync(tx, orders, ct);
    }

    /// <summary>
    /// The promise dates of the sales orders <paramref name="behind"/> names, against their projected ready
    /// time, in one round trip with finding them. An order's projected ready time is its due date, pushed
    /// out by its work center's downtime while that is down (at least the assumed repair time), and by the
    /// largest lateness of any supply it needs. The sales order is at risk when its latest order's
    /// projected ready time is after the promise date.
    /// </summary>
    public async Task<List<PromiseProjection>> PromisesAsync(
        NpgsqlTransaction tx, PromisesBehind behind, DateTimeOffset now, TimeSpan assumedRepair, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            WITH candidates AS ({behind.Select(s)}),
            ready AS (
                SELECT po.sales_order_id,
                       po.due
                       + CASE WHEN wc.state = 'Down' THEN greatest($2::interval, $1::timestamptz - wc.as_of) ELSE interval '0' END
                       + coalesce((SELECT max(p.eta - r.need_date) FROM {s}.material_requirements r
                                   JOIN {s}.purchase_orders p ON p.site = r.site AND p.item = r.item AND NOT p.received AND p.eta > r.need_date
                                   WHERE r.production_order_id = po.order_id), interval '0') AS ready_at
                FROM {s}.production_orders po
                LEFT JOIN {s}.work_centers wc ON wc.site = po.site AND wc.work_center = po.work_center
                WHERE po.sales_order_id IN (SELECT sales_order_id FROM candidates) AND po.status <> 'completed')
            SELECT so.order_id, so.promise_date, max(r.ready_at) FROM {s}.sales_orders so JOIN ready r ON r.sales_order_id = so.order_id
            GROUP BY so.order_id, so.promise_date
            ORDER BY so.order_id
            """, [now, assumedRepair, .. behind.Args]);
        var projections = new List<PromiseProjection>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            projections.Add(new PromiseProjection(reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)), new DateTimeOffset(reader.GetFieldValue<DateTime>(2))));
        return projections;
    }

    /// <summary>A promise at risk: the sales order, the production orders making it, their lots and its shipments.</summary>
    public async Task<Impact> OfSalesOrderAsync(NpgsqlTransaction tx, string salesOrderId, CancellationToken ct)
    {
        var orders = await Sql.StringsAsync(tx, $"SELECT order_id FROM {s}.production_orders WHERE sales_order_id = $1 AND status <> 'completed' ORDER BY order_id", ct, salesOrderId);
        return await OfProductionOrdersAsync(tx, orders, ct);
    }

    /// <summary>
    /// What a governed field's entity touches: a sales order's production, lots and shipments; a production order's lots, shipments
    /// and customers; a shipment's orders and the commitments behind them (the shipment itself always among them).
    /// </summary>
    public async Task<Impact> OfEntityAsync(NpgsqlTransaction tx, Governing.GovernableField field, string entityId, CancellationToken ct)
    {
        switch (field.Entity)
        {
            case "sales-order":
                return await OfSalesOrderAsync(tx, entityId, ct);
            case "production-order":
                return await OfProductionOrdersAsync(tx, [entityId], ct);
            default:
                var orders = await Sql.StringsAsync(tx, $"""
                    SELECT po.order_id FROM {s}.production_orders po JOIN {s}.shipment_orders so ON so.sales_order_id = po.sales_order_id
                    WHERE so.shipment_id = $1 AND po.status <> 'completed' ORDER BY 1
                    """, ct, entityId);
                var around = await AroundOrdersAsync(tx, orders,
                    await Sql.StringsAsync(tx, $"SELECT lot_id FROM {s}.shipment_lots WHERE shipment_id = $1 ORDER BY lot_id", ct, entityId), ct);
                return around.Shipments.Contains(entityId) ? around : around with { Shipments = [.. around.Shipments.Append(entityId).Order(StringComparer.Ordinal)] };
        }
    }

    /// <summary>Production orders and what hangs off them: the lots they make, their shipments and customers.</summary>
    public async Task<Impact> OfProductionOrdersAsync(NpgsqlTransaction tx, IReadOnlyList<string> orders, CancellationToken ct) =>
        await AroundOrdersAsync(tx, orders, await Sql.StringsAsync(tx, $"SELECT lot_id FROM {s}.lots WHERE produced_by_order = ANY($1) ORDER BY lot_id", ct, orders), ct);

    /// <summary>The held lot and every descendant, at any depth.</summary>
    public Task<List<string>> LotTreeAsync(NpgsqlTransaction tx, string lotId, CancellationToken ct) =>
        Sql.StringsAsync(tx, $"{Descendants} SELECT lot_id FROM tree ORDER BY lot_id", ct, lotId);

    /// <summary>A lot is held: orders consuming it or a descendant, shipments containing them, and the customers behind both.</summary>
    public async Task<Impact> OfLotTreeAsync(NpgsqlTransaction tx, IReadOnlyList<string> lots, CancellationToken ct)
    {
        var orders = await Sql.StringsAsync(tx, $"SELECT DISTINCT production_order_id FROM {s}.order_lots WHERE lot_id = ANY($1) ORDER BY 1", ct, lots);
        return await AroundOrdersAsync(tx, orders, lots, ct);
    }

    private async Task<Impact> AroundOrdersAsync(NpgsqlTransaction tx, IReadOnlyList<string> orders, IReadOnlyList<string> lots, CancellationToken ct)
    {
        var shipments = await Sql.StringsAsync(tx, $"""
            SELECT shipment_id FROM {s}.shipments WHERE status <> 'dispatched' AND shipment_id IN (
                SELECT so.shipment_id FROM {s}.shipment_orders so JOIN {s}.production_orders po ON po.sales_order_id = so.sales_order_id
                WHERE po.order_id = ANY($1)
                UNION SELECT shipment_id FROM {s}.shipment_lots WHERE lot_id = ANY($2))
            ORDER BY shipment_id
            """, ct, orders, lots);

        var commitments = new List<AffectedCommitment>();
        await using var command = Sql.Command(tx, $"""
            SELECT order_id, customer, promise_date, value, currency FROM {s}.sales_orders
            WHERE order_id IN (SELECT sales_order_id FROM {s}.production_orders WHERE order_id = ANY($1)
                               UNION SELECT sales_order_id FROM {s}.shipment_orders WHERE shipment_id = ANY($2))
            ORDER BY order_id
            """, [orders, shipments]);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                commitments.Add(new AffectedCommitment(reader.GetString(0), reader.GetString(1),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(2)), reader.GetDecimal(3), reader.GetString(4)));
        return new Impact(orders, lots, shipments, commitments);
    }
}

/// <summary>When a sales order's production is projected to be ready, against what was promised.</summary>
public sealed record PromiseProjection(string SalesOrderId, DateTimeOffset PromiseDate, DateTimeOffset ProjectedReady)
{
    public bool AtRisk => ProjectedReady > PromiseDate;
}

/// <summary>
/// Which sales orders a fact may move the promise of, as the SQL that finds them (its parameters from $3:
/// <see cref="ImpactQueries.PromisesAsync"/> holds $1 and $2), so finding them and projecting them is one query.
/// </summary>
public sealed record PromisesBehind(Func<string, string> Select, object[] Args)
{
    public static PromisesBehind SalesOrders(IReadOnlyList<string> salesOrders) =>
        new(_ => "SELECT unnest($3::text[]) AS sales_order_id", [salesOrders]);

    /// <summary>Those behind the production orders a fact touches.</summary>
    public static PromisesBehind ProductionOrders(IReadOnlyList<string> productionOrders) =>
        new(s => $"SELECT sales_order_id FROM {s}.production_orders WHERE order_id = ANY($3)", [productionOrders]);

    /// <summary>Those with open work at a work center.</summary>
    public static PromisesBehind WorkCenter(string site, string workCenter) =>
        new(s => $"SELECT sales_order_id FROM {s}.production_orders WHERE site = $3 AND work_center = $4 AND status <> 'completed'", [site, workCenter]);

    /// <summary>Those whose production needs the item a purchase order brings.</summary>
    public static PromisesBehind SupplyOf(string purchaseOrderId) =>
        new(s => $"""
            SELECT po.sales_order_id FROM {s}.purchase_orders p
            JOIN {s}.material_requirements r ON r.site = p.site AND r.item = p.item
            JOIN {s}.production_orders po ON po.order_id = r.production_order_id
            WHERE p.purchase_order_id = $3
            """, [purchaseOrderId]);
}
