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
    /// The promise dates of the sales orders <paramref name="behind"/> names, against their projected ready time, in one round trip
    /// with finding them, each projected as of the last fact that named it. An order's projected ready time is its due date, pushed
    /// out by its work center's downtime while that is down (at least the assumed repair time), and by the largest lateness of any
    /// supply it needs. The sales order is at risk when its latest order's projected ready time is after the promise date.
    /// </summary>
    public async Task<List<PromiseProjection>> PromisesAsync(NpgsqlTransaction tx, PromisesBehind behind, CancellationToken ct)
    {
        if (behind.IsEmpty) return [];
        await using var command = Sql.Command(tx, $"""
            WITH fact AS (SELECT * FROM unnest($1::timestamptz[], $2::interval[]) WITH ORDINALITY AS f(at, repair, n)),
            named AS (
                SELECT n.sales_order_id, n.fact FROM unnest($3::text[], $4::int[]) AS n(sales_order_id, fact)
                UNION ALL
                SELECT po.sales_order_id, n.fact FROM unnest($5::text[], $6::int[]) AS n(order_id, fact)
                JOIN {s}.production_orders po ON po.order_id = n.order_id
                UNION ALL
                SELECT po.sales_order_id, n.fact FROM unnest($7::text[], $8::text[], $9::int[]) AS n(site, work_center, fact)
                JOIN {s}.production_orders po ON po.site = n.site AND po.work_center = n.work_center AND po.status <> 'completed'
                UNION ALL
                SELECT po.sales_order_id, n.fact FROM unnest($10::text[], $11::int[]) AS n(purchase_order_id, fact)
                JOIN {s}.purchase_orders p ON p.purchase_order_id = n.purchase_order_id
                JOIN {s}.material_requirements r ON r.site = p.site AND r.item = p.item
                JOIN {s}.production_orders po ON po.order_id = r.production_order_id),
            candidates AS (SELECT sales_order_id, max(fact) AS fact FROM named WHERE sales_order_id IS NOT NULL GROUP BY sales_order_id),
            ready AS (
                SELECT c.sales_order_id, c.fact,
                       po.due
                       + CASE WHEN wc.state = 'Down' THEN greatest(f.repair, f.at - wc.as_of) ELSE interval '0' END
                       + coalesce((SELECT max(p.eta - r.need_date) FROM {s}.material_requirements r
                                   JOIN {s}.purchase_orders p ON p.site = r.site AND p.item = r.item AND NOT p.received AND p.eta > r.need_date
                                   WHERE r.production_order_id = po.order_id), interval '0') AS ready_at
                FROM candidates c
                JOIN fact f ON f.n = c.fact
                JOIN {s}.production_orders po ON po.sales_order_id = c.sales_order_id AND po.status <> 'completed'
                LEFT JOIN {s}.work_centers wc ON wc.site = po.site AND wc.work_center = po.work_center)
            SELECT so.order_id, so.promise_date, max(r.ready_at), r.fact FROM {s}.sales_orders so JOIN ready r ON r.sales_order_id = so.order_id
            GROUP BY so.order_id, so.promise_date, r.fact
            ORDER BY so.order_id
            """, behind.Args);
        var projections = new List<PromiseProjection>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            projections.Add(new PromiseProjection(reader.GetString(0), Sql.TimeAt(reader, 1), Sql.TimeAt(reader, 2), reader.GetInt32(3) - 1));
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

/// <summary>When a sales order's production is projected to be ready, against what was promised, as of one of the facts asked about.</summary>
/// <param name="Fact">Which of the facts added to the <see cref="PromisesBehind"/> it was projected for: the last that named it.</param>
public sealed record PromiseProjection(string SalesOrderId, DateTimeOffset PromiseDate, DateTimeOffset ProjectedReady, int Fact)
{
    public bool AtRisk => ProjectedReady > PromiseDate;
}

/// <summary>
/// Which sales orders a run of facts may move the promise of — named directly, or behind the production orders, work centers and
/// supplies the facts touch — so finding them all and projecting each is one query, however many facts the run has.
/// </summary>
public sealed class PromisesBehind
{
    private readonly List<(DateTimeOffset At, TimeSpan Repair)> _facts = [];
    private readonly List<(string SalesOrder, int Fact)> _salesOrders = [];
    private readonly List<(string Order, int Fact)> _orders = [];
    private readonly List<(string Site, string WorkCenter, int Fact)> _workCenters = [];
    private readonly List<(string PurchaseOrder, int Fact)> _supplies = [];

    public bool IsEmpty => _salesOrders.Count + _orders.Count + _workCenters.Count + _supplies.Count == 0;

    /// <summary>A fact the projection is made as of: when it happened (how long a work center has been down by then) and its site's assumed repair time.</summary>
    /// <returns>Its number, for the keys it names and in <see cref="PromiseProjection.Fact"/>.</returns>
    public int Fact(DateTimeOffset at, TimeSpan assumedRepair)
    {
        _facts.Add((at, assumedRepair));
        return _facts.Count - 1;
    }

    public void SalesOrder(string salesOrderId, int fact) => _salesOrders.Add((salesOrderId, fact + 1));

    /// <summary>Those behind a production order.</summary>
    public void ProductionOrder(string productionOrderId, int fact) => _orders.Add((productionOrderId, fact + 1));

    /// <summary>Those with open work at a work center.</summary>
    public void WorkCenter(string site, string workCenter, int fact) => _workCenters.Add((site, workCenter, fact + 1));

    /// <summary>Those whose production needs the item a purchase order brings.</summary>
    public void SupplyOf(string purchaseOrderId, int fact) => _supplies.Add((purchaseOrderId, fact + 1));

    // The query numbers facts from 1 (WITH ORDINALITY); the caller's numbers start at 0.
    internal object[] Args =>
    [
        _facts.Select(f => f.At.UtcDateTime).ToArray(), _facts.Select(f => f.Repair).ToArray(),
        _salesOrders.Select(x => x.SalesOrder).ToArray(), _salesOrders.Select(x => x.Fact).ToArray(),
        _orders.Select(x => x.Order).ToArray(), _orders.Select(x => x.Fact).ToArray(),
        _workCenters.Select(x => x.Site).ToArray(), _workCenters.Select(x => x.WorkCenter).ToArray(), _workCenters.Select(x => x.Fact).ToArray(),
        _supplies.Select(x => x.PurchaseOrder).ToArray(), _supplies.Select(x => x.Fact).ToArray(),
    ];
}
