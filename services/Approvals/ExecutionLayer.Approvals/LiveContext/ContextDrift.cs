using System.Text.Json;

namespace ExecutionLayer.Approvals.LiveContext;

/// <summary>
/// What changed between the context a request was made on and the one that stands now: value at risk, and the orders,
/// shipments and customers added or gone, and whether the deviation itself cleared. Read from the shape a case's
/// decision context is published in (camelCase: valueAtRisk, productionOrders, shipments, commitments[].customer); a
/// context without those members simply shows no change in them.
/// </summary>
public sealed record ContextDrift(
    decimal? ValueAtRiskThen, decimal? ValueAtRiskNow, decimal? ValueAtRiskChangePercent,
    IReadOnlyList<string> OrdersAdded, IReadOnlyList<string> OrdersGone,
    IReadOnlyList<string> ShipmentsAdded, IReadOnlyList<string> ShipmentsGone,
    IReadOnlyList<string> CustomersAdded, IReadOnlyList<string> CustomersGone,
    bool Cleared)
{
    public bool Any => Cleared || ValueAtRiskThen != ValueAtRiskNow || OrdersAdded.Count + OrdersGone.Count + ShipmentsAdded.Count + ShipmentsGone.Count
        + CustomersAdded.Count + CustomersGone.Count > 0;

    public static ContextDrift Between(JsonElement then, JsonElement now, bool cleared)
    {
        var (before, after) = (Amount(then, "valueAtRisk"), Amount(now, "valueAtRisk"));
        var (ordersThen, ordersNow) = (Strings(then, "productionOrders"), Strings(now, "productionOrders"));
        var (shipmentsThen, shipmentsNow) = (Strings(then, "shipments"), Strings(now, "shipments"));
        var (customersThen, customersNow) = (Customers(then), Customers(now));
        decimal? percent = before is > 0 && after is { } a ? Math.Round((a - before.Value) / before.Value * 100m, 1) : null;
        return new ContextDrift(before, after, percent,
            [.. ordersNow.Except(ordersThen)], [.. ordersThen.Except(ordersNow)],
            [.. shipmentsNow.Except(shipmentsThen)], [.. shipmentsThen.Except(shipmentsNow)],
            [.. customersNow.Except(customersThen)], [.. customersThen.Except(customersNow)], cleared);
    }

    private static decimal? Amount(JsonElement context, string name) =>
        context.ValueKind == JsonValueKind.Object && context.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    private static List<string> Strings(JsonElement context, string name) =>
        context.ValueKind == JsonValueKind.Object && context.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Distinct(StringComparer.Ordinal)]
            : [];

    private static List<string> Customers(JsonElement context) =>
        context.ValueKind == JsonValueKind.Object && context.TryGetProperty("commitments", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("customer", out var n) && n.ValueKind == JsonValueKind.String)
                .Select(c => c.GetProperty("customer").GetString()!).Distinct(StringComparer.Ordinal)]
            : [];
}
