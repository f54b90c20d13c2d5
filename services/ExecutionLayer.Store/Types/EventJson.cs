using System.Text.Json;
using System.Text.Json.Serialization;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.Store.Types;

/// <summary>
/// The stored JSON shape of events. Kept apart from the HTTP options on purpose: changing an API's
/// JSON must never change how ten-year-old history reads.
/// </summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static string Of<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    /// <summary>Whether two values would be stored alike: how "the same definition again adds nothing" is judged.</summary>
    public static bool Same<T>(T a, T b) => Of(a) == Of(b);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
