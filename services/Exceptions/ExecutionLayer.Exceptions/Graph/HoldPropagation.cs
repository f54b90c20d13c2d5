using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// A quality hold in the graph: the lots it holds (the held lot and everything made from it), and the
/// open orders and undispatched shipments those lots reach, blocked by it until it is released.
/// </summary>
internal sealed class HoldPropagation(string s)
{
    /// <summary>Records the hold; a repeat of the same hold changes nothing.</summary>
    public Task RaiseAsync(NpgsqlTransaction tx, string holdId, string site, string lotId, DateTimeOffset raisedAt, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {s}.quality_holds (hold_id, site, lot_id, raised_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hold_id) DO NOTHING
        """, ct, holdId, site, lotId, raisedAt);

    /// <summary>The held lot and when the hold was raised, while it is in force.</summary>
    public async Task<(string LotId, DateTimeOffset RaisedAt)?> InForceAsync(NpgsqlTransaction tx, string holdId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT lot_id, raised_at FROM {s}.quality_holds WHERE hold_id = $1 AND released_at IS NULL", [holdId]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)));
    }

    /// <summary>Blocks every open order consuming a lot of the held tree, and every undispatched shipment containing one; returns what it newly blocked.</summary>
    public async Task<(string[] Orders, string[] Shipments)> BlockAsync(NpgsqlTransaction tx, string holdId, IReadOnlyList<string> lots, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {s}.lots SET hold_id = $2 WHERE lot_id = ANY($1) AND hold_id IS DISTINCT FROM $2", ct, lots, holdId);
        var orders = await Sql.StringsAsync(tx, $"""
            UPDATE {s}.production_orders SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND status <> 'completed' AND order_id IN (SELECT production_order_id FROM {s}.order_lots WHERE lot_id = ANY($1))
            RETURNING order_id
            """, ct, lots, holdId);
        var shipments = await Sql.StringsAsync(tx, $"""
            UPDATE {s}.shipments SET blocked_by_hold = $2
            WHERE blocked_by_hold IS NULL AND status <> 'dispatched' AND shipment_id IN (SELECT shipment_id FROM {s}.shipment_lots WHERE lot_id = ANY($1))
            RETURNING shipment_id
            """, ct, lots, holdId);
        return ([.. orders.Order(StringComparer.Ordinal)], [.. shipments.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Unblocks what the hold blocked; the next re-assessment resolves its case.</summary>
    public async Task ReleaseAsync(NpgsqlTransaction tx, string holdId, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {s}.quality_holds SET released_at = now() WHERE hold_id = $1 AND released_at IS NULL", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {s}.production_orders SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {s}.shipments SET blocked_by_hold = NULL WHERE blocked_by_hold = $1", ct, holdId);
        await Sql.ExecAsync(tx, $"UPDATE {s}.lots SET hold_id = NULL WHERE hold_id = $1", ct, holdId);
    }
}
