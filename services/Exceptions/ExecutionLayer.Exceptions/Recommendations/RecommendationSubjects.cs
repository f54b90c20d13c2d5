using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>
/// What a recommendation is about, read from the operational graph: whether each subject it names has been reported at its site
/// (a recommendation about a purchase order nobody knows is refused, not routed), and what its subjects touch now — the impact
/// its approvers see, and see again when they decide.
/// </summary>
internal sealed class RecommendationSubjects(string s)
{
    private readonly ImpactQueries _impact = new(s);

    /// <summary>Each subject not reported at the site (or a hold already released), as "field: why".</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(NpgsqlTransaction tx, string site, IReadOnlyList<ProposedAction> actions, ExpectedEffect effect, CancellationToken ct)
    {
        var missing = new List<string>();
        async Task Need(string? id, string field, string what, string sql)
        {
            if (id is not null && await Sql.ScalarAsync<int?>(tx, sql, ct, id, site) is null) missing.Add($"{field}: no {what} {id} has been reported at {site}.");
        }
        for (var i = 0; i < actions.Count; i++)
        {
            var (a, at) = (actions[i], $"actions[{i}].");
            await Need(a.PurchaseOrderId, at + "purchaseOrderId", "purchase order", $"SELECT 1 FROM {s}.purchase_orders WHERE purchase_order_id = $1 AND site = $2");
            await Need(a.ProductionOrderId, at + "productionOrderId", "production order", $"SELECT 1 FROM {s}.production_orders WHERE order_id = $1 AND site = $2");
            await Need(a.ToProductionOrderId, at + "toProductionOrderId", "production order", $"SELECT 1 FROM {s}.production_orders WHERE order_id = $1 AND site = $2");
            await Need(a.LotId, at + "lotId", "lot", $"SELECT 1 FROM {s}.lots WHERE lot_id = $1 AND site = $2");
            await Need(a.WorkCenter, at + "workCenter", "work center", $"""
                SELECT 1 FROM {s}.work_centers WHERE work_center = $1 AND site = $2
                UNION ALL SELECT 1 FROM {s}.production_orders WHERE work_center = $1 AND site = $2 LIMIT 1
                """);
            await Need(a.HoldId, at + "holdId", "quality hold in force", $"SELECT 1 FROM {s}.quality_holds WHERE hold_id = $1 AND site = $2 AND released_at IS NULL");
        }
        await Need(effect.SalesOrderId, "expectedEffect.salesOrderId", "sales order", $"SELECT 1 FROM {s}.sales_orders WHERE order_id = $1 AND site = $2");
        return missing;
    }

    /// <summary>What the subjects touch now: the supply a purchase order brings, an order's lots and customers, a lot's or a held lot's tree, a work center's orders, the promise.</summary>
    public async Task<Impact> ImpactAsync(NpgsqlTransaction tx, string site, IReadOnlyList<ProposedAction> actions, ExpectedEffect effect, CancellationToken ct)
    {
        var impact = Impact.None;
        foreach (var a in actions)
        {
            if (a.PurchaseOrderId is { } po) impact = impact.Union(await _impact.OfLateSupplyAsync(tx, po, ct));
            var orders = new[] { a.ProductionOrderId, a.ToProductionOrderId }.OfType<string>().ToArray();
            if (orders.Length > 0) impact = impact.Union(await _impact.OfProductionOrdersAsync(tx, orders, ct));
            if (a.LotId is { } lot) impact = impact.Union(await _impact.OfLotTreeAsync(tx, await _impact.LotTreeAsync(tx, lot, ct), ct));
            if (a.HoldId is { } hold && await Sql.ScalarAsync<string>(tx, $"SELECT lot_id FROM {s}.quality_holds WHERE hold_id = $1", ct, hold) is { } held)
                impact = impact.Union(await _impact.OfLotTreeAsync(tx, await _impact.LotTreeAsync(tx, held, ct), ct));
            if (a.Kind == ProposedActionKind.AddOvertime && a.WorkCenter is { } workCenter) impact = impact.Union(await _impact.OfWorkCenterAsync(tx, site, workCenter, ct));
        }
        if (effect.SalesOrderId is { } salesOrder) impact = impact.Union(await _impact.OfSalesOrderAsync(tx, salesOrder, ct));
        return impact;
    }
}
