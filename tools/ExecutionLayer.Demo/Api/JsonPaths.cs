using System.Text.Json;

namespace ExecutionLayer.Demo.Api;

/// <summary>Reading answers without a type per endpoint: the demo knows the API only as documented JSON.</summary>
public static class JsonPaths
{
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
