using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>
/// Turns one element of a posted batch into an <see cref="IntakeEvent"/> or says precisely why not.
/// Each event is judged alone, so one bad event never costs the others.
/// </summary>
public sealed partial class IntakeParser(IReadOnlySet<string> knownSites)
{
    private const int MaxIdLength = 200;
    private const int MaxStringLength = 2_000;

    public (IntakeEvent? Event, IntakeRejection? Rejection) Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return Reject("Not an event", "Each element of the batch must be a JSON object.");
        if (FindBadString(element) is { } bad)
            return Reject("Invalid text", bad);

        var id = Text(element, "id");
        var source = Text(element, "source");
        var type = Text(element, "type");
        var site = Text(element, "site");
        var subject = Text(element, "subject");
        if (id is null || source is null || type is null || site is null || subject is null)
            return Reject("Missing attribute", "Every event needs string attributes id, source, type, site and subject.");
        if (id.Length > MaxIdLength || subject.Length > MaxIdLength)
            return Reject("Attribute too long", $"id and subject may be at most {MaxIdLength} characters.");
        if (!SourcePattern().IsMatch(source))
            return Reject("Invalid source", "source must be 1–100 lower-case letters, digits or '-' (e.g. 'sap-oh', 'mes-cnc').");
        if (!FactTypes.ByName.ContainsKey(type))
            return Reject("Unknown type", $"'{Shorten(type)}' is not an operational event type; known: {string.Join(", ", FactTypes.ByName.Keys)}.");
        if (!knownSites.Contains(site))
            return Reject("Unknown site", $"Site '{Shorten(site)}' is not configured.");
        if (OccurredAt(element) is not { } occurredAt)
            return Reject("Missing time", "occurredAt (or CloudEvents 'time') must be an ISO-8601 date-time with an offset.");
        if (!element.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return Reject("Missing data", $"A {type} event needs a 'data' object.");

        object fact;
        try
        {
            fact = FactTypes.Read(type, data);
        }
        catch (JsonException e)
        {
            return Reject("Invalid data", $"The data of a {type} event does not fit its schema: {e.Message}");
        }
        if (FactRules.Violation(fact) is { } violation)
            return Reject("Invalid data", violation);

        return (new IntakeEvent(id, source, type, site, subject, occurredAt, data.Clone(), fact), null);
    }

    private static (IntakeEvent?, IntakeRejection?) Reject(string title, string detail) => (null, new IntakeRejection(title, detail));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? OccurredAt(JsonElement element)
    {
        foreach (var name in (string[])["occurredAt", "time"])
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at))
                return at.ToUniversalTime();
        return null;
    }

    /// <summary>Control characters (NUL among them, which PostgreSQL cannot store) and over-long strings, anywhere in the event.</summary>
    private static string? FindBadString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Length > MaxStringLength) return $"A string is {text.Length} characters long; the maximum is {MaxStringLength}.";
                return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? "A string contains a control character (e.g. \\u0000)." : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    if (FindBadString(property.Value) is { } inValue) return inValue;
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (FindBadString(item) is { } inItem) return inItem;
                return null;
            default:
                return null;
        }
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex SourcePattern();
}
