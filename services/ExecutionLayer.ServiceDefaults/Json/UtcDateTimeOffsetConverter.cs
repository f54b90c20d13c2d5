using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExecutionLayer.ServiceDefaults.Json;

/// <summary>
/// Accepts any ISO-8601 offset on input; always writes UTC with a 'Z' and exactly six fractional digits, so clients never see
/// local offsets or a varying precision. Microseconds are what PostgreSQL keeps: a time read back from the store is written exactly,
/// and a time a client sends back (an asOf taken from an answer) finds the same instant.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            throw new JsonException("Expected an ISO-8601 date-time string with an offset, e.g. 2026-11-20T09:05:00Z.");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
