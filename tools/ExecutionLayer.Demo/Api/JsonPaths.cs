using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace ExecutionLayer.Demo.Api;

/// <summary>
/// Reading JSON the description leaves free: a webhook notice's body, and what an answer carries as recorded
/// (a ledger payload, a decision context, a case's event) — the generated client hands those over untyped.
/// </summary>
public static class JsonPaths
{
    /// <summary>Free JSON from an answer of the generated client, as the JSON it was.</summary>
    public static JsonElement AsJson(this UntypedNode? node)
    {
        if (node is null) return default;
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, node);
        using var document = JsonDocument.Parse(writer.GetSerializedContent());
        return document.RootElement.Clone();
    }

    /// <summary>A property by dotted path ("state.impact.valueAtRisk"); undefined when any step is missing.</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        foreach (var name in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return default;
        }
        return element;
    }

    public static string Text(this JsonElement element, string path) => element.At(path) is { ValueKind: JsonValueKind.String } s ? s.GetString()! : "";

    public static string[] Texts(this JsonElement element, string path) =>
        element.At(path) is { ValueKind: JsonValueKind.Array } a ? [.. a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.ToString())] : [];

    public static IEnumerable<JsonElement> Items(this JsonElement element, string? path = null)
    {
        var found = path is null ? element : element.At(path);
        return found.ValueKind == JsonValueKind.Array ? found.EnumerateArray() : [];
    }
}
