using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace ExecutionLayer.ServiceDefaults.Json;

/// <summary>
/// Durations as the rest of the API writes them (a policy's sla, a case's minAge): ISO-8601, <c>PT4H</c>. Read also in
/// .NET's own form (<c>04:00:00</c>), which clients written against the earlier shape send; always written as ISO-8601.
/// Only the HTTP shape: events keep the JSON the ledger has always had (EventJson).
/// </summary>
public sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A duration is a string: ISO-8601, e.g. PT4H.");
        var text = reader.GetString()!;
        try
        {
            return text.TrimStart('-').StartsWith('P')
                ? XmlConvert.ToTimeSpan(text)
                : TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new JsonException($"'{(text.Length > 40 ? text[..40] + "…" : text)}' is not a duration: ISO-8601, e.g. PT4H or P2D.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(XmlConvert.ToString(value));
}
