using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// Which open cases a fact can change. Each open case watches keys — its trigger, and every order, lot,
/// shipment and sales order in its impact (plus the items and work centers its picture depends on);
/// each fact names the keys it touches. A fact re-assesses only the cases watching one of its keys, so
/// the cost of a fact does not grow with the number of open cases at its site.
/// </summary>
internal sealed class CaseWatch(string s)
{
    public async Task RewriteAsync(NpgsqlTransaction tx, ExceptionCase state, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"DELETE FROM {s}.case_watch WHERE case_id = $1", ct, state.Id);
        if (!state.IsOpen) return;

        var keys = new List<string>
        {
            state.Kind switch
            {
                CaseKind.MachineDown => $"wc:{state.TriggerKey}",
                CaseKind.QualityHold => $"hold:{state.TriggerKey}",
                CaseKind.Shortage => $"po:{state.TriggerKey}",
                CaseKind.UngovernedChange => Governing.UngovernedChangeRule.WatchKeyOf(state.TriggerKey),
                _ => $"so:{state.TriggerKey}",
            },
        };
        keys.AddRange(state.Impact.ProductionOrders.Select(o => $"order:{o}"));
        keys.AddRange(state.Impact.Lots.Select(l => $"lot:{l}"));
        keys.AddRange(state.Impact.Shipments.Select(x => $"shipment:{x}"));
        keys.AddRange(state.Impact.Commitments.Select(c => $"so:{c.SalesOrderId}"));
        await Sql.ExecAsync(tx, $"INSERT INTO {s}.case_watch (key, case_id) SELECT DISTINCT unnest($1::text[]), $2 ON CONFLICT DO NOTHING", ct, keys, state.Id);

        // A shortage also moves with its item's needs; a promise with its orders' work centers and supplies.
        if (state.Kind == CaseKind.Shortage)
            await Sql.ExecAsync(tx, $"""
                INSERT INTO {s}.case_watch (key, case_id) SELECT 'item:' || site || '/' || item, $2 FROM {s}.purchase_orders WHERE purchase_order_id = $1
                ON CONFLICT DO NOTHING
                """, ct, state.TriggerKey, state.Id);
        if (state.Kind == CaseKind.PromiseAtRisk)
            await Sql.ExecAsync(tx, $"""
                INSERT INTO {s}.case_watch (key, case_id)
                SELECT 'wc:' || site || '/' || work_center, $2 FROM {s}.production_orders WHERE sales_order_id = $1
                UNION SELECT 'item:' || r.site || '/' || r.item, $2 FROM {s}.material_requirements r
                      JOIN {s}.production_orders o ON o.order_id = r.production_order_id WHERE o.sales_order_id = $1
                ON CONFLICT DO NOTHING
                """, ct, state.TriggerKey, state.Id);
    }

    /// <summary>The keys each fact of a run touches, in the run's order; the items of delayed supplies read from the graph in one query.</summary>
    public async Task<List<IReadOnlyList<string>>> KeysOfAsync(NpgsqlTransaction tx, IReadOnlyList<(string Site, object Fact)> run, CancellationToken ct)
    {
        // A delay names only its purchase order; the item it is for is the graph's to say.
        string[] delayed = [.. run.Select(r => r.Fact).OfType<SupplierDeliveryDelayed>().Select(f => f.PurchaseOrderId).Distinct()];
        var items = new Dictionary<string, string>();
        if (delayed.Length > 0)
        {
            await using var command = Sql.Command(tx, $"SELECT purchase_order_id, 'item:' || site || '/' || item FROM {s}.purchase_orders WHERE purchase_order_id = ANY($1)", [delayed]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) items[reader.GetString(0)] = reader.GetString(1);
        }
        return [.. run.Select(r => r.Fact is SupplierDeliveryDelayed f
            ? (IReadOnlyList<string>)[$"po:{f.PurchaseOrderId}", .. items.TryGetValue(f.PurchaseOrderId, out var item) ? [item] : Array.Empty<string>()]
            : KeysOf(r.Site, r.Fact)!)];
    }

    /// <summary>The keys a fact touches, as far as it names them itself: null for a fact whose keys need the graph (a delivery delay).</summary>
    public static IReadOnlyList<string>? KeysOf(string site, object fact) => fact switch
    {
        SalesOrderConfirmed f => [$"so:{f.OrderId}"],
        ProductionOrderReleased f => [$"order:{f.OrderId}", $"so:{f.SalesOrderId}", $"wc:{site}/{f.WorkCenter}", .. f.Materials.Where(m => m.LotId is not null).Select(m => $"lot:{m.LotId}")],
        MaterialRequirement f => [$"order:{f.ProductionOrderId}", $"item:{site}/{f.Item}"],
        PurchaseOrderPlaced f => [$"po:{f.PurchaseOrderId}", $"item:{site}/{f.Item}"],
        SupplierDeliveryDelayed => null,
        MaterialReceived f => [$"po:{f.PurchaseOrderId}", $"lot:{f.LotId}", $"item:{site}/{f.Item}"],
        MachineStateChanged f => [$"wc:{site}/{f.WorkCenter}"],
        QualityHoldRaised f => [$"hold:{f.HoldId}", $"lot:{f.LotId}"],
        QualityHoldReleased f => [$"hold:{f.HoldId}", $"lot:{f.LotId}"],
        LotProduced f => [$"lot:{f.LotId}", $"order:{f.ProductionOrderId}", .. f.FromLots.Select(l => $"lot:{l}")],
        LotConsumed f => [$"lot:{f.LotId}", $"order:{f.ProductionOrderId}"],
        ShipmentPlanned f => [$"shipment:{f.ShipmentId}", .. f.SalesOrderIds.Select(o => $"so:{o}"), .. f.LotIds.Select(l => $"lot:{l}")],
        ShipmentDispatched f => [$"shipment:{f.ShipmentId}"],
        ProductionActualReported f => [$"order:{f.ProductionOrderId}"],
        _ => [],
    };

    /// <summary>The open cases watching any of these keys, each with the keys of them it watches.</summary>
    public async Task<List<WatchingCase>> CasesWatchingAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var cases = new List<WatchingCase>();
        if (keys.Count == 0) return cases;
        await using var command = Sql.Command(tx, $"""
            SELECT c.case_id, c.kind, c.trigger_key, c.site, array_agg(w.key) FROM {s}.case_watch w JOIN {s}.case_index c ON c.case_id = w.case_id
            WHERE w.key = ANY($1) AND c.status NOT IN ('Resolved', 'Closed')
            GROUP BY c.case_id, c.kind, c.trigger_key, c.site
            ORDER BY c.case_id
            """, [keys]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            cases.Add(new(reader.GetGuid(0), Enum.Parse<CaseKind>(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4)));
        return cases;
    }

}

/// <summary>An open case that watches some of the keys asked about (<paramref name="Watched"/>: which of them).</summary>
internal sealed record WatchingCase(Guid CaseId, CaseKind Kind, string TriggerKey, string Site, string[] Watched);
