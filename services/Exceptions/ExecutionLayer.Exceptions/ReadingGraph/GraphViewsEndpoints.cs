using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Identity;
using Npgsql;

namespace ExecutionLayer.Exceptions.ReadingGraph;

public sealed record LotNode(string LotId, int Depth, string? Item, string? ProducedByOrder, string? HoldId);

public sealed record LotGenealogy(string LotId, string Direction, IReadOnlyList<LotNode> Lots);

public sealed record OrderView(string OrderId, string Kind, IReadOnlyDictionary<string, object?> Order, IReadOnlyList<string> ProductionOrders,
    IReadOnlyList<string> Lots, IReadOnlyList<string> Shipments);

public sealed record ShipmentView(string ShipmentId, string Status, string? BlockedByHold, DateTimeOffset PlannedDate, IReadOnlyList<string> SalesOrders, IReadOnlyList<string> Lots);

/// <summary>
/// Views of the live operational graph: an order with what hangs off it, a lot's genealogy up or down,
/// a shipment's contents. A record of a site the caller may not see is "not found"; a genealogy
/// leaves out the other sites' lots.
/// </summary>
public static class GraphViewsEndpoints
{
    public static IEndpointRouteBuilder MapGraphViews(this IEndpointRouteBuilder app)
    {
        app.MapGet("/graph/lots/{lotId}", async (string lotId, string? direction, Caller caller, NpgsqlDataSource db, ServiceStore store, CancellationToken ct) =>
        {
            var up = string.Equals(direction, "up", StringComparison.OrdinalIgnoreCase);
            if (direction is not null && !up && !string.Equals(direction, "down", StringComparison.OrdinalIgnoreCase))
                return Results.Problem(statusCode: 400, title: "Bad direction", detail: "direction is 'up' (ancestors) or 'down' (descendants).");
            var (from, to) = up ? ("child_lot", "parent_lot") : ("parent_lot", "child_lot");
            await using var command = db.CreateCommand($"""
                WITH RECURSIVE tree(lot_id, depth) AS (
                    SELECT $1::text, 0
                    UNION
                    SELECT l.{to}, t.depth + 1 FROM {store.Schema}.lot_links l JOIN tree t ON l.{from} = t.lot_id WHERE t.depth < 100)
                SELECT t.lot_id, min(t.depth), max(l.item), max(l.produced_by_order), max(l.hold_id), max(l.site)
                FROM tree t LEFT JOIN {store.Schema}.lots l ON l.lot_id = t.lot_id
                GROUP BY t.lot_id ORDER BY min(t.depth), t.lot_id
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = lotId });
            var lots = new List<LotNode>();
            var rootVisible = false;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var site = Text(reader, 5);
                if (reader.GetInt32(1) == 0) rootVisible = site is not null && caller.Sees(site);
                if (site is null || caller.Sees(site))
                    lots.Add(new LotNode(reader.GetString(0), reader.GetInt32(1), Text(reader, 2), Text(reader, 3), Text(reader, 4)));
            }
            return !rootVisible ? NotFound("lot", lotId) : Results.Ok(new LotGenealogy(lotId, up ? "up" : "down", lots));
        });

        app.MapGet("/graph/orders/{orderId}", async (string orderId, Caller caller, NpgsqlDataSource db, ServiceStore store, CancellationToken ct) =>
        {
            var s = store.Schema;
            var production = await RowAsync(db, $"SELECT order_id, site, sales_order_id, item, quantity, work_center, due, status, blocked_by_hold FROM {s}.production_orders WHERE order_id = $1", orderId, ct);
            if (production is not null && !caller.Sees((string?)production["site"])) return NotFound("order", orderId);
            if (production is not null)
                return Results.Ok(new OrderView(orderId, "production-order", production, [],
                    await StringsAsync(db, $"SELECT lot_id FROM {s}.order_lots WHERE production_order_id = $1 UNION SELECT lot_id FROM {s}.lots WHERE produced_by_order = $1 ORDER BY 1", orderId, ct),
                    await StringsAsync(db, $"SELECT shipment_id FROM {s}.shipment_orders WHERE sales_order_id = (SELECT sales_order_id FROM {s}.production_orders WHERE order_id = $1) ORDER BY 1", orderId, ct)));
            var sales = await RowAsync(db, $"SELECT order_id, site, customer, item, quantity, promise_date, value, currency FROM {s}.sales_orders WHERE order_id = $1", orderId, ct);
            if (sales is null || !caller.Sees((string?)sales["site"])) return NotFound("order", orderId);
            return Results.Ok(new OrderView(orderId, "sales-order", sales,
                await StringsAsync(db, $"SELECT order_id FROM {s}.production_orders WHERE sales_order_id = $1 ORDER BY 1", orderId, ct),
                await StringsAsync(db, $"SELECT l.lot_id FROM {s}.lots l JOIN {s}.production_orders p ON p.order_id = l.produced_by_order WHERE p.sales_order_id = $1 ORDER BY 1", orderId, ct),
                await StringsAsync(db, $"SELECT shipment_id FROM {s}.shipment_orders WHERE sales_order_id = $1 ORDER BY 1", orderId, ct)));
        });

        app.MapGet("/graph/shipments/{shipmentId}", async (string shipmentId, Caller caller, NpgsqlDataSource db, ServiceStore store, CancellationToken ct) =>
        {
            var s = store.Schema;
            var row = await RowAsync(db, $"SELECT status, blocked_by_hold, planned_date, site FROM {s}.shipments WHERE shipment_id = $1", shipmentId, ct);
            if (row is null || !caller.Sees((string?)row["site"])) return NotFound("shipment", shipmentId);
            return Results.Ok(new ShipmentView(shipmentId, (string)row["status"]!, (string?)row["blocked_by_hold"], new DateTimeOffset((DateTime)row["planned_date"]!),
                await StringsAsync(db, $"SELECT sales_order_id FROM {s}.shipment_orders WHERE shipment_id = $1 ORDER BY 1", shipmentId, ct),
                await StringsAsync(db, $"SELECT lot_id FROM {s}.shipment_lots WHERE shipment_id = $1 ORDER BY 1", shipmentId, ct)));
        });
        return app;
    }

    private static IResult NotFound(string what, string id) => Results.Problem(statusCode: 404, title: "Not found", detail: $"No {what} '{id}' in the operational graph.");

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static async Task<Dictionary<string, object?>?> RowAsync(NpgsqlDataSource db, string sql, string id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    private static async Task<List<string>> StringsAsync(NpgsqlDataSource db, string sql, string id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add(reader.GetString(0));
        return values;
    }
}
