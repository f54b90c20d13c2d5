using System.Text.Json;

namespace ExecutionLayer.Audit.Recording;

/// <summary>
/// The business objects an event is about, as "kind/id", so an auditor can ask by order, lot or
/// shipment without knowing which service or event type mentions them. Found by property name anywhere
/// in the payload (a string, an array of strings, or objects with an "id"); intake subjects written as
/// "kind/id" and approval subjects {type, id} are taken as they are; and a stream "case-…",
/// "approval-…" or "action-…" names the case, approval or action itself.
/// </summary>
internal static class Subjects
{
    private static readonly Dictionary<string, string> KindByProperty = new(StringComparer.Ordinal)
    {
        ["salesOrderId"] = "sales-order", ["salesOrderIds"] = "sales-order", ["salesOrders"] = "sales-order",
        ["productionOrderId"] = "production-order", ["productionOrders"] = "production-order", ["blockedProductionOrders"] = "production-order",
        ["lotId"] = "lot", ["lotIds"] = "lot", ["lots"] = "lot", ["fromLots"] = "lot",
        ["shipmentId"] = "shipment", ["shipmentIds"] = "shipment", ["shipments"] = "shipment", ["blockedShipments"] = "shipment",
        ["purchaseOrderId"] = "purchase-order", ["workCenter"] = "work-center", ["holdId"] = "hold",
        ["approvalId"] = "approval", ["actionId"] = "action", ["actionIds"] = "action", ["caseId"] = "case", ["reviewId"] = "review",
        ["recommendationId"] = "recommendation",
    };

    private const int MaxDepth = 32;

    public static string[] Of(string streamId, JsonElement? payload)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        if (OfStream(streamId) is { } own) found.Add(own);
        if (payload is { } root) Walk(root, found, 0);
        return [.. found];
    }

    /// <summary>"case-3f…" → "case/3f…": a stream named for one aggregate by a trailing UUID.</summary>
    private static string? OfStream(string streamId)
    {
        const int uuid = 36;
        if (streamId.Length <= uuid + 1 || streamId[^(uuid + 1)] != '-' || !Guid.TryParse(streamId.AsSpan(streamId.Length - uuid), out _)) return null;
        return $"{streamId[..^(uuid + 1)]}/{streamId[^uuid..]}";
    }

    private static void Walk(JsonElement element, SortedSet<string> found, int depth)
    {
        if (depth > MaxDepth) return;
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Walk(item, found, depth + 1);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        foreach (var property in element.EnumerateObject())
        {
            if (KindByProperty.TryGetValue(property.Name, out var kind)) Collect(kind, property.Value, found);
            else if (property.Name == "subject") Subject(property.Value, found);
            Walk(property.Value, found, depth + 1);
        }
    }

    private static void Collect(string kind, JsonElement value, SortedSet<string> found)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 and <= 200 } id:
                found.Add($"{kind}/{id}");
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray()) Collect(kind, item, found);
                break;
            case JsonValueKind.Object:
                foreach (var key in (ReadOnlySpan<string>)["id", "salesOrderId", "orderId"])
                    if (value.TryGetProperty(key, out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        Collect(kind, id, found);
                        break;
                    }
                break;
        }
    }

    private static void Subject(JsonElement value, SortedSet<string> found)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: <= 200 } text && text.IndexOf('/') is > 0 and var slash && slash < text.Length - 1)
            found.Add(text);
        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type) && value.TryGetProperty("id", out var id)
                 && type.ValueKind == JsonValueKind.String && id.ValueKind == JsonValueKind.String)
            found.Add($"{type.GetString()}/{id.GetString()}");
    }
}
