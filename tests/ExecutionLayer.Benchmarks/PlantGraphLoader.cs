using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.PlantData;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// Loads a generated plant straight into the graph tables with binary COPY: at plant scale, posting a
/// million lots through the intake would measure the intake, not the impact queries.
/// </summary>
internal static class PlantGraphLoader
{
    public static async Task LoadAsync(NpgsqlDataSource db, string schema, PlantModel plant)
    {
        await using (var create = db.CreateCommand($"CREATE SCHEMA IF NOT EXISTS {schema}; {GraphSchema.Create(schema)}")) await create.ExecuteNonQueryAsync();
        var at = PlantGenerator.Epoch.AddDays(-1).UtcDateTime;
        await using var connection = await db.OpenConnectionAsync();

        await CopyAsync(connection, $"COPY {schema}.sales_orders (order_id, site, customer, item, quantity, promise_date, value, currency, as_of) FROM STDIN (FORMAT BINARY)",
            plant.SalesOrders, (w, o) => w.WriteRowAsync(default, o.Id, o.Site, o.Customer, o.Item, (decimal)o.Quantity, o.PromiseDate.UtcDateTime, o.Value, "USD", at));
        await CopyAsync(connection, $"COPY {schema}.production_orders (order_id, site, sales_order_id, item, quantity, work_center, due, status, as_of) FROM STDIN (FORMAT BINARY)",
            plant.ProductionOrders, (w, o) => w.WriteRowAsync(default, o.Id, o.Site, o.SalesOrderId, o.Item, (decimal)o.Quantity, o.WorkCenter, o.Due.UtcDateTime,
                o.Completed ? "completed" : "released", at));
        await CopyAsync(connection, $"COPY {schema}.order_lots (production_order_id, lot_id) FROM STDIN (FORMAT BINARY)",
            plant.ProductionOrders.SelectMany(o => o.ConsumesLots.Select(l => (o.Id, l))), (w, r) => w.WriteRowAsync(default, r.Item1, r.l));
        await CopyAsync(connection, $"COPY {schema}.lots (lot_id, site, item, quantity, produced_by_order, as_of) FROM STDIN (FORMAT BINARY)",
            plant.Lots, (w, l) => w.WriteRowAsync(default, l.Id, l.Site, l.Item, (decimal)l.Quantity, (object?)l.ProducedBy ?? DBNull.Value, at));
        await CopyAsync(connection, $"COPY {schema}.lot_links (parent_lot, child_lot) FROM STDIN (FORMAT BINARY)",
            plant.Lots.SelectMany(l => l.FromLots.Select(p => (p, l.Id))), (w, r) => w.WriteRowAsync(default, r.p, r.Id));
        await CopyAsync(connection, $"COPY {schema}.shipments (shipment_id, site, carrier, planned_date, status, as_of) FROM STDIN (FORMAT BINARY)",
            plant.Shipments, (w, s) => w.WriteRowAsync(default, s.Id, s.Site, "FastFreight", s.PlannedDate.UtcDateTime, s.Dispatched ? "dispatched" : "planned", at));
        await CopyAsync(connection, $"COPY {schema}.shipment_orders (shipment_id, sales_order_id) FROM STDIN (FORMAT BINARY)",
            plant.Shipments, (w, s) => w.WriteRowAsync(default, s.Id, s.SalesOrderId));
        await CopyAsync(connection, $"COPY {schema}.shipment_lots (shipment_id, lot_id) FROM STDIN (FORMAT BINARY)",
            plant.Shipments.SelectMany(s => s.Lots.Select(l => (s.Id, l))), (w, r) => w.WriteRowAsync(default, r.Id, r.l));
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copy);
        foreach (var row in rows) await write(importer, row);
        await importer.CompleteAsync();
    }
}
