using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Postgres;
using static ExecutionLayer.Exceptions.Graph.Columnar;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>
/// Takes the intake's facts that flow is measured on into the flow tables, as statements in the intake's batch: when an order was
/// first confirmed and first released, a routing's plan, and each step's actual start and finish (the fact's time, the floor's clock).
/// </summary>
internal sealed class FlowFacts(string s)
{
    /// <summary>
    /// Adds the statements that take a run of facts into the flow tables: each kind's rows in one statement (a row's several facts in
    /// successive ones), then what is kept beside them — an order's first release and first start, each step's neighbour — recomputed
    /// once for every row the run touched, from the rows as they now stand.
    /// </summary>
    public void Add(SqlBatch b, IReadOnlyList<GraphFact> facts)
    {
        var confirmed = facts.Where(t => t.Fact is SalesOrderConfirmed).Select(t => (t.Site, t.At, F: (SalesOrderConfirmed)t.Fact)).ToList();
        var released = facts.Where(t => t.Fact is ProductionOrderReleased).Select(t => (t.Site, t.At, F: (ProductionOrderReleased)t.Fact)).ToList();
        var steps = facts.Select(t => t.Fact switch
        {
            OperationStarted f => new StepFact(f.ProductionOrderId, f.Step, t.Site, f.WorkCenter, t.At, null),
            OperationCompleted f => new StepFact(f.ProductionOrderId, f.Step, t.Site, f.WorkCenter, null, t.At),
            _ => null,
        }).OfType<StepFact>().ToList();
        var planned = released.SelectMany(r => (r.F.Routing ?? []).Select(step => (Order: r.F.OrderId, r.Site, Step: step))).ToList();

        foreach (var round in Rounds(confirmed, c => c.F.OrderId))
            b.Add($"""
                INSERT INTO {s}.flow_sales_orders AS t (sales_order_id, site, confirmed_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
                ON CONFLICT (sales_order_id) DO UPDATE SET confirmed_at = least(t.confirmed_at, EXCLUDED.confirmed_at)
                """, Col(round, c => c.F.OrderId), Col(round, c => c.Site), Times(round, c => c.At));
        foreach (var round in Rounds(released, r => r.F.OrderId))
            b.Add($"""
                INSERT INTO {s}.flow_production_orders AS t (production_order_id, site, sales_order_id, work_center, released_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                ON CONFLICT (production_order_id) DO UPDATE SET sales_order_id = coalesce(t.sales_order_id, EXCLUDED.sales_order_id),
                    work_center = CASE WHEN EXCLUDED.released_at < t.released_at THEN EXCLUDED.work_center ELSE t.work_center END,
                    released_at = least(t.released_at, EXCLUDED.released_at)
                """, Col(round, r => r.F.OrderId), Col(round, r => r.Site), Col(round, r => r.F.SalesOrderId), Col(round, r => r.F.WorkCenter), Times(round, r => r.At));
        // The plan the order was first released with stays the yardstick: a re-release only fills steps it did not have.
        foreach (var round in Rounds(planned, p => (p.Order, p.Step.Step)))
            b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, planned_start, planned_finish)
                SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
                ON CONFLICT (production_order_id, step) DO UPDATE SET
                    planned_start = coalesce(t.planned_start, EXCLUDED.planned_start), planned_finish = coalesce(t.planned_finish, EXCLUDED.planned_finish)
                """, Col(round, p => p.Order), Col(round, p => p.Step.Step), Col(round, p => p.Site), Col(round, p => p.Step.WorkCenter),
                Times(round, p => p.Step.PlannedStart), Times(round, p => p.Step.PlannedFinish));
        // A step's first report of its start, and of its finish, stand (the floor's clock: the earliest wins whatever the arrival order).
        foreach (var round in Rounds(steps, x => (x.Order, x.Step)))
            b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, started_at, completed_at)
                SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
                ON CONFLICT (production_order_id, step) DO UPDATE SET
                    started_at = least(t.started_at, EXCLUDED.started_at), completed_at = least(t.completed_at, EXCLUDED.completed_at)
                """, Col(round, x => x.Order), Col(round, x => x.Step), Col(round, x => x.Site), Col(round, x => x.WorkCenter),
                Col(round, x => x.StartedAt?.UtcDateTime), Col(round, x => x.CompletedAt?.UtcDateTime));

        string[] started = [.. released.Select(r => r.F.OrderId).Concat(steps.Where(x => x.StartedAt is not null).Select(x => x.Order)).Distinct()];
        if (started.Length > 0)
            b.Add($"""
                UPDATE {s}.flow_production_orders o SET first_started_at = f.first
                FROM (SELECT production_order_id, min(started_at) AS first FROM {s}.flow_operations WHERE production_order_id = ANY($1) GROUP BY 1) f
                WHERE o.production_order_id = f.production_order_id AND o.first_started_at IS DISTINCT FROM f.first
                """, [started]);
        string[] salesOrders = [.. confirmed.Select(c => c.F.OrderId).Concat(released.Select(r => r.F.SalesOrderId).OfType<string>()).Distinct()];
        if (salesOrders.Length > 0)
            b.Add($"""
                UPDATE {s}.flow_sales_orders o SET first_released_at = f.first
                FROM (SELECT k.id, (SELECT min(released_at) FROM {s}.flow_production_orders WHERE sales_order_id = k.id) AS first FROM unnest($1::text[]) AS k(id)) f
                WHERE o.sales_order_id = f.id AND o.first_released_at IS DISTINCT FROM f.first
                """, [salesOrders]);
        string[] sequenced = [.. released.Where(r => r.F.Routing is { Count: > 0 }).Select(r => r.F.OrderId).Concat(steps.Select(x => x.Order)).Distinct()];
        if (sequenced.Length > 0) Neighbours(b, sequenced);
    }

    /// <summary>
    /// Each step of the orders learns which step came before it and when that one finished: recomputed over each order's few steps, so a
    /// step reported before its routing, or a routing that adds a step in between, leaves every pair right.
    /// </summary>
    private void Neighbours(SqlBatch b, string[] orders) => b.Add($"""
        UPDATE {s}.flow_operations o SET previous_step = p.previous_step, previous_completed_at = p.previous_completed_at
        FROM (SELECT production_order_id, step,
                     lag(step) OVER (PARTITION BY production_order_id ORDER BY step) AS previous_step,
                     lag(completed_at) OVER (PARTITION BY production_order_id ORDER BY step) AS previous_completed_at
              FROM {s}.flow_operations WHERE production_order_id = ANY($1)) p
        WHERE o.production_order_id = p.production_order_id AND o.step = p.step
          AND (o.previous_step IS DISTINCT FROM p.previous_step OR o.previous_completed_at IS DISTINCT FROM p.previous_completed_at)
        """, [orders]);

    private sealed record StepFact(string Order, int Step, string Site, string WorkCenter, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);
}
