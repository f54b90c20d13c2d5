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
                INSERT INTO {s}.flow_sales_orders AS t (sales_order_id, site, confirmed_at) VALUES ($1, $2, $3)
                ON CONFLICT (sales_order_id) DO UPDATE SET confirmed_at = least(t.confirmed_at, EXCLUDED.confirmed_at)
                """, f.OrderId, site, at);
                break;
            case ProductionOrderReleased f:
                b.Add($"""
                INSERT INTO {s}.flow_production_orders AS t (production_order_id, site, sales_order_id, work_center, released_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (production_order_id) DO UPDATE SET sales_order_id = coalesce(t.sales_order_id, EXCLUDED.sales_order_id),
                    work_center = CASE WHEN EXCLUDED.released_at < t.released_at THEN EXCLUDED.work_center ELSE t.work_center END,
                    released_at = least(t.released_at, EXCLUDED.released_at)
                """, f.OrderId, site, f.SalesOrderId, f.WorkCenter, at);
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
                break;
            case OperationStarted f:
                b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, started_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (production_order_id, step) DO UPDATE SET started_at = least(t.started_at, EXCLUDED.started_at)
                """, f.ProductionOrderId, f.Step, site, f.WorkCenter, at);
                break;
            case OperationCompleted f:
                b.Add($"""
                INSERT INTO {s}.flow_operations AS t (production_order_id, step, site, work_center, completed_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (production_order_id, step) DO UPDATE SET completed_at = least(t.completed_at, EXCLUDED.completed_at)
                """, f.ProductionOrderId, f.Step, site, f.WorkCenter, at);
                break;
        }
    }
}
