using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>
/// Takes the intake's facts that flow is measured on into the flow tables, as statements in the intake's batch: when an order was
/// first confirmed and first released, a routing's plan, and each step's actual start and finish (the fact's time, the floor's clock).
/// </summary>
internal sealed class FlowFacts(string s)
{
    public void Add(SqlBatch b, string site, DateTimeOffset at, object fact)
    {
        switch (fact)
        {
            case SalesOrderConfirmed f:
                b.Add($"""
                INSERT INTO {s}.flow_sales_orders AS t (sales_order_id, site, confirmed_at, first_released_at)
                VALUES ($1, $2, $3, (SELECT min(released_at) FROM {s}.flow_production_orders WHERE sales_order_id = $1))
                ON CONFLICT (sales_order_id) DO UPDATE SET confirmed_at = least(t.confirmed_at, EXCLUDED.confirmed_at)
                """, f.OrderId, site, at);
                break;
            case ProductionOrderReleased f:
                b.Add($"""
                INSERT INTO {s}.flow_production_orders AS t (production_order_id, site, sales_order_id, work_center, released_at, first_started_at)
                VALUES ($1, $2, $3, $4, $5, (SELECT min(started_at) FROM {s}.flow_operations WHERE production_order_id = $1))
                ON CONFLICT (production_order_id) DO UPDATE SET sales_order_id = coalesce(t.sales_order_id, EXCLUDED.sales_order_id),
                    work_center = CASE WHEN EXCLUDED.released_at < t.released_at THEN EXCLUDED.work_center ELSE t.work_center END,
                    released_at = least(t.released_at, EXCLUDED.released_at)
                """, f.OrderId, site, f.SalesOrderId, f.WorkCenter, at);
                if (f.SalesOrderId is { } salesOrder)
                    b.Add($"""
                    UPDATE {s}.flow_sales_orders SET first_released_at = (SELECT min(released_at) FROM {s}.flow_production_orders WHERE sales_order_id = $1)
                    WHERE sales_order_id = $1
                    """, salesOrder);
                if (f.Routing is { Count: > 0 } routing)
                    // The plan the order was first released with stays the yardstick: a re-release only fills steps it did not have.
                    b.Add($"""
                    INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, planned_start, planned_finish)
                    SELECT $1, r.step, $2, r.work_center, r.planned_start, r.planned_finish
                    FROM unnest($3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[]) AS r(step, work_center, planned_start, planned_finish)
                    ON CONFLICT (production_order_id, step) DO UPDATE SET
                        planned_start = coalesce(t.planned_start, EXCLUDED.planned_start), planned_finish = coalesce(t.planned_finish, EXCLUDED.planned_finish)
                    """, f.OrderId, site, routing.Select(r => r.Step).ToArray(), routing.Select(r => r.WorkCenter).ToArray(),
                        routing.Select(r => r.PlannedStart.UtcDateTime).ToArray(), routing.Select(r => r.PlannedFinish.UtcDateTime).ToArray());
                if (f.Routing is { Count: > 0 }) Neighbours(b, f.OrderId);
                break;
            case OperationStarted f:
                b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, started_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (production_order_id, step) DO UPDATE SET started_at = least(t.started_at, EXCLUDED.started_at)
                """, f.ProductionOrderId, f.Step, site, f.WorkCenter, at);
                b.Add($"""
                UPDATE {s}.flow_production_orders SET first_started_at = (SELECT min(started_at) FROM {s}.flow_operations WHERE production_order_id = $1)
                WHERE production_order_id = $1
                """, f.ProductionOrderId);
                Neighbours(b, f.ProductionOrderId);
                break;
            case OperationCompleted f:
                b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, completed_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (production_order_id, step) DO UPDATE SET completed_at = least(t.completed_at, EXCLUDED.completed_at)
                """, f.ProductionOrderId, f.Step, site, f.WorkCenter, at);
                Neighbours(b, f.ProductionOrderId);
                break;
        }
    }

    /// <summary>
    /// Each step of the order learns which step came before it and when that one finished: recomputed over the order's few steps, so a
    /// step reported before its routing, or a routing that adds a step in between, leaves every pair right.
    /// </summary>
    private void Neighbours(SqlBatch b, string order) => b.Add($"""
        UPDATE {s}.flow_operations o SET previous_step = p.previous_step, previous_completed_at = p.previous_completed_at
        FROM (SELECT step, lag(step) OVER (ORDER BY step) AS previous_step, lag(completed_at) OVER (ORDER BY step) AS previous_completed_at
              FROM {s}.flow_operations WHERE production_order_id = $1) p
        WHERE o.production_order_id = $1 AND o.step = p.step
          AND (o.previous_step IS DISTINCT FROM p.previous_step OR o.previous_completed_at IS DISTINCT FROM p.previous_completed_at)
        """, order);
}
