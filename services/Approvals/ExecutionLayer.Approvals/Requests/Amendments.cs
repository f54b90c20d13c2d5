using System.Text.Json;

namespace ExecutionLayer.Approvals.Requests;

/// <summary>
/// An approver's change to one item of what was asked, by its place: left out (<see cref="Drop"/>), less of it (a lower cost, fewer
/// hours, a smaller quantity), or at another time. Only a request that lists what may be changed (its decision context's
/// <c>amendable</c> items: a recommendation's proposed actions) can be approved with changes.
/// </summary>
public sealed record Amendment(int Index, bool Drop = false, decimal? Cost = null, decimal? Hours = null, decimal? Quantity = null, DateTimeOffset? At = null)
{
    /// <summary>The later amendment of the same item wins field by field; leaving it out wins over everything.</summary>
    public Amendment Over(Amendment earlier) => Drop ? this : new(Index, earlier.Drop, Cost ?? earlier.Cost, Hours ?? earlier.Hours, Quantity ?? earlier.Quantity, At ?? earlier.At);
}

/// <summary>
/// An item a request says may be changed, with what it asks for now and what it is called; a change may only lower what it has, or move
/// a time it has.
/// </summary>
public sealed record AmendableItem(int Index, decimal? Cost, decimal? Hours, decimal? Quantity, DateTimeOffset? At, string? Title = null);

public static class Amendments
{
    public const int MaxItems = 20;

    /// <summary>The items a decision context lists as <c>amendable</c> (camelCase: index, cost, hours, quantity, at, title); none when it lists none.</summary>
    public static IReadOnlyList<AmendableItem> ListedIn(JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object || !context.TryGetProperty("amendable", out var list) || list.ValueKind != JsonValueKind.Array) return [];
        return [.. list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("index", out var n) && n.ValueKind == JsonValueKind.Number)
            .Select(i => new AmendableItem(i.GetProperty("index").GetInt32(), Number(i, "cost"), Number(i, "hours"), Number(i, "quantity"), Time(i, "at"),
                i.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString() : null))];
    }

    /// <summary>The changes so far and these, merged item by item in the order they were made.</summary>
    public static IReadOnlyList<Amendment> Merge(IReadOnlyList<Amendment> earlier, IReadOnlyList<Amendment> later) =>
        [.. earlier.Concat(later).GroupBy(a => a.Index).Select(g => g.Aggregate((a, b) => b.Over(a))).OrderBy(a => a.Index)];

    /// <summary>What is wrong with these changes to these items (after the changes already made): nothing, and they may be made.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<AmendableItem> items, IReadOnlyList<Amendment> earlier, IReadOnlyList<Amendment> asked)
    {
        if (items.Count == 0) return ["This request lists nothing that may be changed: approve or reject it as asked."];
        var problems = new List<string>();
        if (asked.Count > MaxItems) problems.Add($"At most {MaxItems} changes.");
        foreach (var repeated in asked.GroupBy(a => a.Index).Where(g => g.Count() > 1)) problems.Add($"Item {repeated.Key} is changed more than once.");
        foreach (var a in asked)
        {
            if (items.FirstOrDefault(i => i.Index == a.Index) is not { } item)
            {
                problems.Add($"There is no item {a.Index} to change (items: {string.Join(", ", items.Select(i => i.Index))}).");
                continue;
            }
            if (a.Drop && (a.Cost ?? a.Hours ?? a.Quantity) is not null || a.Drop && a.At is not null) problems.Add($"Item {a.Index}: leave it out, or change it — not both.");
            if (!a.Drop && a.Cost is null && a.Hours is null && a.Quantity is null && a.At is null) problems.Add($"Item {a.Index}: the change changes nothing.");
            Lower(a.Cost, item.Cost, "cost", a.Index, problems, allowZero: true);
            Lower(a.Hours, item.Hours, "hours", a.Index, problems, allowZero: false);
            Lower(a.Quantity, item.Quantity, "quantity", a.Index, problems, allowZero: false);
            if (a.At is not null && item.At is null) problems.Add($"Item {a.Index} has no time to move.");
        }
        if (problems.Count == 0 && Merge(earlier, asked).Count(m => m.Drop) >= items.Count) problems.Add("Every item left out is a rejection: reject it instead.");
        return problems;
    }

    private static void Lower(decimal? asked, decimal? now, string what, int index, List<string> problems, bool allowZero)
    {
        if (asked is not { } value) return;
        if (now is not { } current) problems.Add($"Item {index} has no {what} to change.");
        else if (value > current || value < 0 || value == 0 && !allowZero) problems.Add($"Item {index}: {what} from {(allowZero ? 0 : "above 0")} up to the {current} asked.");
    }

    private static decimal? Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;

    private static DateTimeOffset? Time(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;
}
