using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExecutionLayer.ServiceDefaults.Json;

/// <summary>The one JSON shape of every HTTP API: camelCase, enums as strings, times as ISO-8601 UTC, durations as ISO-8601.</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        options.Converters.Add(new IsoDurationConverter());
        return options;
    }
}
