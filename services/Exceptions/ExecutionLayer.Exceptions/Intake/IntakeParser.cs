using System.Net.Mime;
using System.Text.Json;
using System.Text.RegularExpressions;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>
/// Turns one posted event into an <see cref="IntakeEvent"/> or says precisely why not. The envelope is
/// CloudEvents 1.0, read by the CloudNative.CloudEvents SDK; on top of it the intake needs
/// <c>subject</c>, <c>time</c> (the occurrence time) and the <c>site</c> extension attribute, a known
/// <c>type</c>, and JSON data that fits the type. Each event is judged alone, so one bad event never
/// costs the others. Made per batch, with the sites registered by then.
/// </summary>
public sealed partial class IntakeParser(IReadOnlySet<string> knownSites)
{
    /// <summary>The plant the event happened at: a CloudEvents extension attribute, since the spec has none.</summary>
    public static readonly CloudEventAttribute Site = CloudEventAttribute.CreateExtension("site", CloudEventAttributeType.String);

    private static readonly CloudEventAttribute[] Extensions = [Site];
    private static readonly JsonEventFormatter Formatter = new();

    public (IntakeEvent? Event, IntakeRejection? Rejection) Parse(PostedEvent posted) => posted switch
    {
        PostedEvent.InJson json => Parse(json.Element),
        PostedEvent.InBinary binary => Parse(binary),
        _ => throw new ArgumentOutOfRangeException(nameof(posted)),
    };

    /// <summary>An event in the CloudEvents JSON format (structured mode, or one element of a batch).</summary>
    public (IntakeEvent? Event, IntakeRejection? Rejection) Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return Reject("Not an event", "Each event must be a JSON object.");
        // Anything stored must be text PostgreSQL can hold, extra fields an ERP adds included; the typed data below holds each known field to its own limit.
        if (InputPolicy.Check(element, InputPolicy.FreeTextMax) is { } bad)
            return Refuse(new InputRefusal(bad.Path.TrimStart('.'), bad.Violation));
        // The SDK refuses a member that cannot be an attribute name too, but without naming it; a body naming someone
        // ("onBehalfOf") or the occurrence time as this intake called it before it read CloudEvents proper ("occurredAt") is refused here.
        foreach (var member in element.EnumerateObject())
            if (member.Name is not ("data" or "data_base64") && !AttributeName().IsMatch(member.Name))
                return (null, new IntakeRejection("Not a CloudEvent", member.Name == "occurredAt"
                    ? "'occurredAt' is not a CloudEvents attribute: send the occurrence time as 'time' (RFC 3339)."
                    : $"'{Shorten(member.Name)}' is not a CloudEvents attribute name: lower-case letters and digits only.", member.Name, InputPolicy.Rules.UnknownField));
        if (!element.TryGetProperty("specversion", out var version) || version.ValueKind != JsonValueKind.String)
            return Reject("Missing attribute", "specversion is required: \"1.0\".", "specversion", version.ValueKind == JsonValueKind.Undefined ? Required : WrongType);
        // The SDK refuses another version too, but as a format error; the rule is what a client's code can act on.
        if (version.GetString() != "1.0")
            return Reject("Unsupported spec version", $"specversion '{Shorten(version.GetString()!)}': the intake reads CloudEvents 1.0.", "specversion", InputPolicy.Rules.UnknownValue);
        // The attributes the intake reads are strings in the JSON format (an extension an ERP adds may be a number or a boolean).
        foreach (var name in (string[])["id", "source", "type", "subject", "site", "time", "datacontenttype", "dataschema"])
        {
            if (!element.TryGetProperty(name, out var attribute) || attribute.ValueKind == JsonValueKind.Null) continue;
            if (attribute.ValueKind != JsonValueKind.String)
                return Reject("Not a CloudEvent", $"{name} is a string in the CloudEvents JSON format.", name, WrongType);
            // Before the SDK, which refuses an over-long media type as merely invalid.
            if (InputPolicy.Check(attribute.GetString()!, InputPolicy.NameMax) is { } tooLong) return Refuse(new InputRefusal(name, tooLong));
            if (name == "datacontenttype" && UnreadDataType(attribute.GetString()!) is { } unread) return (null, unread);
        }
        // The SDK refuses these too, but without saying which; the field is what a client needs to fix.
        foreach (var required in (string[])["id", "source", "type"])
            if (!element.TryGetProperty(required, out var value) || value.ValueKind == JsonValueKind.Null)
                return Reject("Missing attribute", $"{required} is required (CloudEvents 1.0: id, source, specversion, type).", required, Required);

        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.ConvertFromJsonElement(element, Extensions);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return Reject("Not a CloudEvent", e.Message);
        }
        return Judge(cloudEvent, jsonChecked: true);
    }

    /// <summary>A binary-mode event: the attributes from its <c>ce-*</c> headers, the data from the body in its Content-Type.</summary>
    public (IntakeEvent? Event, IntakeRejection? Rejection) Parse(PostedEvent.InBinary posted)
    {
        if (!posted.Attributes.TryGetValue("specversion", out var versionId) || CloudEventsSpecVersion.FromVersionId(versionId) is not { } version)
            return Reject("Missing attribute", "ce-specversion is required: 1.0.", "specversion", Required);
        var cloudEvent = new CloudEvent(version, Extensions);
        try
        {
            foreach (var (name, raw) in posted.Attributes)
            {
                if (name == CloudEventsSpecVersion.SpecVersionAttribute.Name) continue;
                var value = HttpUtilities.DecodeHeaderValue(raw);
                if (InputPolicy.Check(value, InputPolicy.FreeTextMax) is { } violation) return Refuse(new InputRefusal(name, violation));
                cloudEvent.SetAttributeFromString(name, value);
            }
            if (posted.ContentType is { } contentType) cloudEvent.DataContentType = contentType;
            Formatter.DecodeBinaryModeEventData(posted.Data, cloudEvent);
        }
        catch (JsonException e)
        {
            return Refuse(new InputRefusal("data", new(InputPolicy.Rules.MalformedJson, $"The body is not valid JSON: {Shorten(e.Message)}")), "Invalid data");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return Reject("Not a CloudEvent", e.Message);
        }
        return Judge(cloudEvent, jsonChecked: false);
    }

    /// <param name="jsonChecked">
    /// Whether the input policy has already been held to the event as posted (a JSON-format event: its attributes to a
    /// name's length and its data, before the SDK read it); a binary-mode event's headers and body are checked here.
    /// </param>
    private (IntakeEvent?, IntakeRejection?) Judge(CloudEvent cloudEvent, bool jsonChecked)
    {
        if (cloudEvent.SpecVersion.RequiredAttributes.FirstOrDefault(a => cloudEvent[a] is null) is { } missing)
            return Reject("Missing attribute", $"{missing.Name} is required (CloudEvents 1.0: id, source, specversion, type).", missing.Name, Required);
        var id = cloudEvent.Id!;
        var source = cloudEvent.Source!.OriginalString;
        var type = cloudEvent.Type!;
        if (cloudEvent.Subject is not { Length: > 0 } subject)
            return Reject("Missing attribute", "subject is required: what the event is about, e.g. work-center/CNC-4.", "subject", Required);
        if (cloudEvent[Site] is not string { Length: > 0 } site)
            return Reject("Missing attribute", "The site extension attribute is required: the plant the event happened at, e.g. OH-DAYTON.", "site", Required);
        if (!jsonChecked)
            foreach (var (name, value) in new[] { ("id", id), ("source", source), ("subject", subject), ("site", site), ("type", type) })
                if (InputPolicy.Check(value, InputPolicy.NameMax) is { } tooLong) return Refuse(new InputRefusal(name, tooLong));
        if (!UriReference().IsMatch(source))
            return Reject("Invalid source", "source is a URI-reference (RFC 3986), e.g. urn:ga-albany:mes:line-5, /ga-albany/mes or sap-oh; characters outside it are percent-encoded.", "source");
        if (!FactTypes.ByName.ContainsKey(type))
            return Reject("Unknown type", $"'{Shorten(type)}' is not an operational event type; known: {string.Join(", ", FactTypes.ByName.Keys)}.", "type", InputPolicy.Rules.UnknownValue);
        if (!knownSites.Contains(site))
            return Reject("Unknown site", SiteCatalog.Unknown(Shorten(site), knownSites), "site", InputPolicy.Rules.UnknownValue);
        if (cloudEvent.Time is not { } time)
            return Reject("Missing time", "time is required: when the event occurred, an RFC 3339 timestamp with an offset.", "time", Required);

        var (data, refused) = DataOf(cloudEvent, type);
        if (refused is not null) return (null, refused);
        if (!jsonChecked && InputPolicy.Check(data, InputPolicy.FreeTextMax) is { } bad)
            return Refuse(new InputRefusal($"data{bad.Path}", bad.Violation));

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
            return Reject("Invalid data", violation, "data");

        return (new IntakeEvent(id, source, type, site, subject, time.ToUniversalTime(), data.Clone(), fact), null);
    }

    /// <summary>The data as a JSON object, honouring <c>datacontenttype</c>: JSON (application/json or a +json type, the default) is all the intake reads.</summary>
    private static (JsonElement Data, IntakeRejection? Refused) DataOf(CloudEvent cloudEvent, string type)
    {
        if (UnreadDataType(cloudEvent.DataContentType ?? "application/json") is { } unread) return (default, unread);
        JsonElement data;
        switch (cloudEvent.Data)
        {
            case JsonElement element:
                data = element;
                break;
            // data_base64, or a binary-mode body in a +json type the formatter leaves as bytes.
            case byte[] bytes:
                try
                {
                    using var document = JsonDocument.Parse(bytes);
                    data = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    return (default, new IntakeRejection("Invalid data", $"data: not valid JSON: {Shorten(e.Message)}", "data", InputPolicy.Rules.MalformedJson));
                }
                break;
            default:
                return (default, new IntakeRejection("Missing data", $"A {type} event needs a 'data' object.", "data", Required));
        }
        return data.ValueKind == JsonValueKind.Object ? (data, null) : (default, new IntakeRejection("Missing data", $"A {type} event needs a 'data' object.", "data", WrongType));
    }

    private static IntakeRejection? UnreadDataType(string contentType) => IsJson(contentType) ? null
        : new IntakeRejection("Unsupported data content type",
            $"datacontenttype '{Shorten(contentType)}': the intake reads JSON data (application/json or a +json type).", "datacontenttype", InputPolicy.Rules.UnknownValue);

    private static bool IsJson(string contentType)
    {
        try
        {
            var media = new ContentType(contentType).MediaType;
            return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (IntakeEvent?, IntakeRejection?) Reject(string title, string detail, string? field = null, string? rule = null) => (null, new IntakeRejection(title, detail, field, rule));

    private const string Required = InputPolicy.Rules.Required;
    private const string WrongType = InputPolicy.Rules.WrongType;

    private static (IntakeEvent?, IntakeRejection?) Refuse(InputRefusal refusal, string title = InputRefusal.Title) =>
        (null, new IntakeRejection(title, $"{refusal.Field}: {refusal.Violation.Message}", refusal.Field, refusal.Violation.Rule));

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    /// <summary>
    /// The characters RFC 3986 allows in a URI-reference. Stricter than <see cref="Uri"/>, which takes spaces
    /// and '|': the event's identity is derived from "source|id", so a source must never hold the separator.
    /// </summary>
    [GeneratedRegex(@"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")]
    private static partial Regex UriReference();

    /// <summary>CloudEvents 1.0: attribute names are lower-case ASCII letters and digits.</summary>
    [GeneratedRegex("^[a-z0-9]+$")]
    private static partial Regex AttributeName();
}
