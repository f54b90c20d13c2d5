using System.Text.Json;
using System.Text.RegularExpressions;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>
/// Turns one element of a posted batch into an <see cref="IntakeEvent"/> or says precisely why not.
/// Each event is judged alone, so one bad event never costs the others.
/// </summary>
public sealed partial class IntakeParser(IReadOnlySet<string> knownSites)
{

    public (IntakeEvent? Event, IntakeRejection? Rejection) Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return Reject("Not an event", "Each element of the batch must be a JSON object.");
        // Anything stored must be text PostgreSQL can hold, extra fields an ERP adds included; the typed data below holds each known field to its own limit.
        if (InputPolicy.Check(element, InputPolicy.FreeTextMax) is { } bad)
            return Refuse(new InputRefusal(bad.Path.TrimStart('.'), bad.Violation));

        var id = Text(element, "id");
        var source = Text(element, "source");
        var type = Text(element, "type");
        var site = Text(element, "site");
        var subject = Text(element, "subject");
        if (id is null || source is null || type is null || site is null || subject is null)
            return Reject("Missing attribute", "Every event needs string attributes id, source, type, site and subject.");
        foreach (var (name, value) in new[] { ("id", id), ("subject", subject), ("site", site), ("type", type) })
            if (InputPolicy.Check(value, InputPolicy.NameMax) is { } tooLong) return Refuse(new InputRefusal(name, tooLong));
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
            var refusal = InputRefusal.FromJson(e, FactTypes.ByName[type], FactTypes.Json);
            return Refuse(refusal with { Field = refusal.Field.Length == 0 ? "data" : $"data.{refusal.Field}" }, "Invalid data");
        }
        if (FactRules.Violation(fact) is { } violation)
            return Reject("Invalid data", violation);

        return (new IntakeEvent(id, source, type, site, subject, occurredAt, data.Clone(), fact), null);
    }

    private static (IntakeEvent?, IntakeRejection?) Reject(string title, string detail) => (null, new IntakeRejection(title, detail));

    private static (IntakeEvent?, IntakeRejection?) Refuse(InputRefusal refusal, string title = InputRefusal.Title) =>
        (null, new IntakeRejection(title, $"{refusal.Field}: {refusal.Violation.Message}", refusal.Field, refusal.Violation.Rule));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? OccurredAt(JsonElement element)
    {
        foreach (var name in (string[])["occurredAt", "time"])
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at))
                return at.ToUniversalTime();
        return null;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex SourcePattern();
}
