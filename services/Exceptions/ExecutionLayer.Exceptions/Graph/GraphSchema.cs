namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// The live operational graph: orders, work centers, lots with their genealogy, shipments. Entity rows
/// keep the source time of the fact that last set them (<c>as_of</c>), so a late, older fact never
/// overwrites a newer one. Indexes follow the traversals impact analysis makes.
/// </summary>
internal static class GraphSchema
{
    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.work_centers (
            site text NOT NULL, work_center text NOT NULL, state text NOT NULL, reason_code text NULL, as_of timestamptz NOT NULL,
            PRIMARY KEY (site, work_center));
        CREATE TABLE IF NOT EXISTS {s}.sales_orders (
            order_id text PRIMARY KEY, site text NOT NULL, customer text NOT NULL, item text NOT NULL, quantity numeric NOT NULL,
            promise_date timestamptz NOT NULL, value numeric NOT NULL, currency text NOT NULL, as_of timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.production_orders (
            order_id text PRIMARY KEY, site text NOT NULL, sales_order_id text NULL, item text NOT NULL, quantity numeric NOT NULL,
            work_center text NOT NULL, due timestamptz NOT NULL, status text NOT NULL DEFAULT 'released', blocked_by_hold text NULL,
            as_of timestamptz NOT NULL);
        ALTER TABLE {s}.production_orders ADD COLUMN IF NOT EXISTS quantity_good numeric NOT NULL DEFAULT 0;
        CREATE INDEX IF NOT EXISTS production_orders_work_center ON {s}.production_orders (site, work_center);
        CREATE INDEX IF NOT EXISTS production_orders_sales_order ON {s}.production_orders (sales_order_id);
        CREATE TABLE IF NOT EXISTS {s}.order_lots (production_order_id text NOT NULL, lot_id text NOT NULL, PRIMARY KEY (production_order_id, lot_id));
        CREATE INDEX IF NOT EXISTS order_lots_lot ON {s}.order_lots (lot_id);
        CREATE TABLE IF NOT EXISTS {s}.lots (
            lot_id text PRIMARY KEY, site text NOT NULL, item text NOT NULL, quantity numeric NOT NULL, produced_by_order text NULL,
            hold_id text NULL, as_of timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS lots_produced_by ON {s}.lots (produced_by_order);
        CREATE TABLE IF NOT EXISTS {s}.lot_links (parent_lot text NOT NULL, child_lot text NOT NULL, PRIMARY KEY (parent_lot, child_lot));
        CREATE INDEX IF NOT EXISTS lot_links_child ON {s}.lot_links (child_lot);
        CREATE TABLE IF NOT EXISTS {s}.shipments (
            shipment_id text PRIMARY KEY, site text NOT NULL, carrier text NOT NULL, planned_date timestamptz NOT NULL,
            status text NOT NULL DEFAULT 'planned', blocked_by_hold text NULL, as_of timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.shipment_orders (shipment_id text NOT NULL, sales_order_id text NOT NULL, PRIMARY KEY (shipment_id, sales_order_id));
        CREATE INDEX IF NOT EXISTS shipment_orders_order ON {s}.shipment_orders (sales_order_id);
        CREATE TABLE IF NOT EXISTS {s}.shipment_lots (shipment_id text NOT NULL, lot_id text NOT NULL, PRIMARY KEY (shipment_id, lot_id));
        CREATE INDEX IF NOT EXISTS shipment_lots_lot ON {s}.shipment_lots (lot_id);
        CREATE TABLE IF NOT EXISTS {s}.purchase_orders (
            purchase_order_id text PRIMARY KEY, site text NOT NULL, supplier text NOT NULL, item text NOT NULL, quantity numeric NOT NULL,
            eta timestamptz NOT NULL, received boolean NOT NULL DEFAULT false, as_of timestamptz NOT NULL);
        ALTER TABLE {s}.purchase_orders ADD COLUMN IF NOT EXISTS received boolean NOT NULL DEFAULT false;
        CREATE INDEX IF NOT EXISTS purchase_orders_item ON {s}.purchase_orders (site, item);
        CREATE TABLE IF NOT EXISTS {s}.follow_up_facts (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text NOT NULL, key text NOT NULL, at timestamptz NOT NULL,
            time_value timestamptz NULL, number_value numeric NULL);
        CREATE INDEX IF NOT EXISTS follow_up_facts_key ON {s}.follow_up_facts (kind, key, at);
        CREATE TABLE IF NOT EXISTS {s}.quality_holds (
            hold_id text PRIMARY KEY, site text NOT NULL, lot_id text NOT NULL, raised_at timestamptz NOT NULL, released_at timestamptz NULL);
        CREATE TABLE IF NOT EXISTS {s}.material_requirements (
            production_order_id text NOT NULL, item text NOT NULL, site text NOT NULL, quantity numeric NOT NULL, need_date timestamptz NOT NULL,
            as_of timestamptz NOT NULL, PRIMARY KEY (production_order_id, item));
        CREATE INDEX IF NOT EXISTS material_requirements_item ON {s}.material_requirements (site, item, need_date);
        """;
}
