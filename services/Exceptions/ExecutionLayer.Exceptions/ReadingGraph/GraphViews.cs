using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.ReadingGraph;

/// <summary>
/// A lot in a genealogy, with how many links from the lot asked about and the lot one link nearer it was reached from (on a shortest path;
/// null for the lot asked about), so a client can draw the tree; its site decides who may see it.
/// </summary>
public sealed record LotNode(string LotId, int Depth, string? Item, string? ProducedByOrder, string? HoldId, string? ReachedFrom = null)
{
    internal string? Site { get; init; }
}

public sealed record ProductionOrderDetails(
    string OrderId, string Site, string? SalesOrderId, string Item, decimal Quantity, string WorkCenter, DateTimeOffset Due, string Status, string? BlockedByHold);

public sealed record SalesOrderDetails(string OrderId, string Site, string Customer, string Item, decimal Quantity, DateTimeOffset PromiseDate, decimal Value, string Currency);

public sealed record ShipmentDetails(string ShipmentId, string Site, string Status, string? BlockedByHold, DateTimeOffset PlannedDate);

/// <summary>
/// The operational graph as its views read it: a lot's genealogy, an order and what hangs off it, a
/// shipment's contents. Only reads; who may see which site is the endpoints' to say.
/// </summary>
public sealed class GraphViews(NpgsqlDataSource db, ServiceStore store)
{
    private readonly string _s = store.Schema;

    /// <summary>The lot and every lot it was made from (<paramref name="up"/>) or went into, nearest first, at most 100 links away.</summary>
    public async Task<IReadOnlyList<LotNode>> GenealogyAsync(string lotId, bool up, CancellationToken ct)
    {
        var (from, to) = up ? ("child_lot", "parent_lot") : ("parent_lot", "child_lot");
        await using var command = db.CreateCommand($"""
            WITH RECURSIVE tree(lot_id, depth, via) AS (
                SELECT $1::text, 0, NULL::text
                UNION
                SELECT l.{to}, t.depth + 1, t.lot_id FROM {_s}.lot_links l JOIN tree t ON l.{from} = t.lot_id WHERE t.depth < 100),
            nearest AS (SELECT DISTINCT ON (lot_id) lot_id, depth, via FROM tree ORDER BY lot_id, depth, via)
            SELECT n.lot_id, n.depth, l.item, l.produced_by_order, l.hold_id, l.site, n.via
            FROM nearest n LEFT JOIN {_s}.lots l ON l.lot_id = n.lot_id
            ORDER BY n.depth, n.lot_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lotId });
        var lots = new List<LotNode>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            lots.Add(new LotNode(reader.GetString(0), reader.GetInt32(1), Text(reader, 2), Text(reader, 3), Text(reader, 4), Text(reader, 6)) { Site = Text(reader, 5) });
        return lots;
    }

    public Task<ProductionOrderDetails?> ProductionOrderAsync(string orderId, CancellationToken ct) => OneAsync(
        $"SELECT order_id, site, sales_order_id, item, quantity, work_center, due, status, blocked_by_hold FROM {_s}.production_orders WHERE order_id = $1", orderId,
        r => new ProductionOrderDetails(r.GetString(0), r.GetString(1), Text(r, 2), r.GetString(3), r.GetDecimal(4), r.GetString(5), At(r, 6), r.GetString(7), Text(r, 8)), ct);

    public Task<SalesOrderDetails?> SalesOrderAsync(string orderId, CancellationToken ct) => OneAsync(
        $"SELECT order_id, site, customer, item, quantity, promise_date, value, currency FROM {_s}.sales_orders WHERE order_id = $1", orderId,
        r => new SalesOrderDetails(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDecimal(4), At(r, 5), r.GetDecimal(6), r.GetString(7)), ct);

    public Task<ShipmentDetails?> ShipmentAsync(string shipmentId, CancellationToken ct) => OneAsync(
        $"SELECT shipment_id, site, status, blocked_by_hold, planned_date FROM {_s}.shipments WHERE shipment_id = $1", shipmentId,
        r => new ShipmentDetails(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), At(r, 4)), ct);

    /// <summary>The lots a production order consumes or makes.</summary>
    public Task<List<string>> LotsOfProductionOrderAsync(string orderId, CancellationToken ct) => StringsAsync(
        $"SELECT lot_id FROM {_s}.order_lots WHERE production_order_id = $1 UNION SELECT lot_id FROM {_s}.lots WHERE produced_by_order = $1 ORDER BY 1", orderId, ct);

    /// <summary>The shipments of the sales order a production order is for.</summary>
    public Task<List<string>> ShipmentsOfProductionOrderAsync(string orderId, CancellationToken ct) => StringsAsync(
        $"SELECT shipment_id FROM {_s}.shipment_orders WHERE sales_order_id = (SELECT sales_order_id FROM {_s}.production_orders WHERE order_id = $1) ORDER BY 1", orderId, ct);

    public Task<List<string>> ProductionOrdersOfSalesOrderAsync(string orderId, CancellationToken ct) =>
        StringsAsync($"SELECT order_id FROM {_s}.production_orders WHERE sales_order_id = $1 ORDER BY 1", orderId, ct);

    /// <summary>The lots the sales order's production orders make.</summary>
    public Task<List<string>> LotsOfSalesOrderAsync(string orderId, CancellationToken ct) => StringsAsync(
        $"SELECT l.lot_id FROM {_s}.lots l JOIN {_s}.production_orders p ON p.order_id = l.produced_by_order WHERE p.sales_order_id = $1 ORDER BY 1", orderId, ct);

    public Task<List<string>> ShipmentsOfSalesOrderAsync(string orderId, CancellationToken ct) =>
        StringsAsync($"SELECT shipment_id FROM {_s}.shipment_orders WHERE sales_order_id = $1 ORDER BY 1", orderId, ct);

    public Task<List<string>> SalesOrdersOfShipmentAsync(string shipmentId, CancellationToken ct) =>
        StringsAsync($"SELECT sales_order_id FROM {_s}.shipment_orders WHERE shipment_id = $1 ORDER BY 1", shipmentId, ct);

    public Task<List<string>> LotsOfShipmentAsync(string shipmentId, CancellationToken ct) =>
        StringsAsync($"SELECT lot_id FROM {_s}.shipment_lots WHERE shipment_id = $1 ORDER BY 1", shipmentId, ct);

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset At(NpgsqlDataReader reader, int i) => new(reader.GetFieldValue<DateTime>(i), TimeSpan.Zero);

    private async Task<T?> OneAsync<T>(string sql, string id, Func<NpgsqlDataReader, T> read, CancellationToken ct) where T : class
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? read(reader) : null;
    }

    private async Task<List<string>> StringsAsync(string sql, string id, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add(reader.GetString(0));
        return values;
    }
}
