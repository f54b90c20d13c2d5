namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>
/// The moments the flow indicators are measured between, kept as they happen: the first confirmation of each sales order and the
/// first release of each production order, each routing step's plan and its actual start and finish (from the intake, in its
/// transaction), each case's opening, hold cascade and responses (from the case writer, in its transaction), and each approval granted
/// (from the approvals service's messages). First times win: a re-sent fact never moves a yardstick. Each row also carries the
/// moment it is measured to — an order's first release, a production order's first start, the previous step's finish — kept
/// whenever either end arrives, in whichever order, so the indicators are range scans of one table (indexed by the moment a period
/// selects on; three plants' site filter is cheaper applied to the range than as a leading column).
/// </summary>
internal static class FlowSchema
{
    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.flow_sales_orders (
            sales_order_id text PRIMARY KEY, site text NOT NULL, confirmed_at timestamptz NOT NULL, first_released_at timestamptz NULL);
        CREATE INDEX IF NOT EXISTS flow_sales_orders_confirmed ON {s}.flow_sales_orders (confirmed_at);
        CREATE TABLE IF NOT EXISTS {s}.flow_production_orders (
            production_order_id text PRIMARY KEY, site text NOT NULL, sales_order_id text NULL, work_center text NOT NULL, released_at timestamptz NOT NULL,
            first_started_at timestamptz NULL);
        CREATE INDEX IF NOT EXISTS flow_production_orders_released ON {s}.flow_production_orders (released_at);
        CREATE INDEX IF NOT EXISTS flow_production_orders_sales_order ON {s}.flow_production_orders (sales_order_id, released_at);
        CREATE TABLE IF NOT EXISTS {s}.flow_operations (
            production_order_id text NOT NULL, step int NOT NULL, site text NOT NULL, work_center text NOT NULL,
            planned_start timestamptz NULL, planned_finish timestamptz NULL, started_at timestamptz NULL, completed_at timestamptz NULL,
            previous_step int NULL, previous_completed_at timestamptz NULL,
            PRIMARY KEY (production_order_id, step));
        CREATE INDEX IF NOT EXISTS flow_operations_previous_completed ON {s}.flow_operations (previous_completed_at);
        CREATE INDEX IF NOT EXISTS flow_operations_planned_finish ON {s}.flow_operations (planned_finish);
        CREATE TABLE IF NOT EXISTS {s}.flow_cases (
            case_id uuid PRIMARY KEY, site text NOT NULL, kind text NOT NULL, opened_at timestamptz NOT NULL,
            raised_at timestamptz NULL, propagated_at timestamptz NULL, asked int NOT NULL DEFAULT 0, notified_at timestamptz NULL,
            awaited int NOT NULL DEFAULT 0, responded_at timestamptz NULL);
        CREATE INDEX IF NOT EXISTS flow_cases_opened ON {s}.flow_cases (opened_at);
        CREATE TABLE IF NOT EXISTS {s}.flow_approvals (
            approval_id uuid PRIMARY KEY, site text NOT NULL, subject_type text NOT NULL, granted_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS flow_approvals_granted ON {s}.flow_approvals (granted_at);
        """;
}
