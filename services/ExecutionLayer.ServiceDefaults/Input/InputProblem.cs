using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// A refused input as one RFC 7807 answer naming the field and the rule: <c>field</c>, <c>rule</c>, and
/// the field's message in <c>errors</c> as validation problems carry it. <see cref="AlsoRefused"/> are
/// further fields broken by the same rule (every required field missing, not just the first).
/// </summary>
public sealed partial record InputRefusal(string Field, InputViolation Violation, IReadOnlyList<string>? AlsoRefused = null)
{
    public const string Title = "Invalid input";

    public HttpValidationProblemDetails ToProblem() => new(new[] { Field }.Concat(AlsoRefused ?? []).Distinct().ToDictionary(f => f, _ => new[] { Violation.Message }))
    {
        Status = StatusCodes.Status400BadRequest,
        Title = Title,
        Detail = Field.Length == 0 ? Violation.Message : $"{Field}: {Violation.Message}",
        Extensions = { ["field"] = Field, ["rule"] = Violation.Rule },
    };

    /// <summary>
    /// What a failed read of the body or a parameter means: the policy's own refusals as they are; the
    /// serializer's by their message and by the type expected at the failing path.
    /// </summary>
    public static InputRefusal From(BadHttpRequestException bad, HttpContext context) => bad.InnerException switch
    {
        // The exception handler has cleared the request's endpoint by now; its feature keeps the original.
        JsonException json => FromJson(json, (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType,
            context.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions),
        _ => FromBinding(bad.Message),
    };

    public static InputRefusal FromJson(JsonException json, Type? bodyType, JsonSerializerOptions? options)
    {
        var at = FieldOf(json.Path);
        if (json is InputRefusedException refused) return new(at.Length == 0 ? refused.Member : $"{at}.{refused.Member}".Replace(".[", "[", StringComparison.Ordinal), refused.Violation);

        var message = json.Message;
        if (UnknownMember().Match(message) is { Success: true } unknown)
            return new(at.Length == 0 ? unknown.Groups[1].Value : at, new(InputPolicy.Rules.UnknownField,
                $"'{unknown.Groups[1].Value}' is not a field of this request.{(IdentityFields.Contains(unknown.Groups[1].Value) ? " Who acts is the caller the gateway signed; a client allowed to act for someone names them in onBehalfOf." : "")}"));
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            // The serializer names the members as .NET spells them; the API spells them camelCase.
            var fields = Quoted().Matches(missing.Groups[1].Value)
                .Select(m => JsonNamingPolicy.CamelCase.ConvertName(m.Groups[1].Value)).Select(f => at.Length == 0 ? f : $"{at}.{f}").ToArray();
            return new(fields.FirstOrDefault() ?? at, new(InputPolicy.Rules.Required, "Required."), fields.Skip(1).ToArray());
        }
        if (message.Contains("doesn't allow null values", StringComparison.Ordinal) || message.Contains("doesn't allow setting null values", StringComparison.Ordinal))
            return new(at, new(InputPolicy.Rules.Required, "Required; null is not a value here."));
        if (json.InnerException?.GetType().Name == "JsonReaderException")
            return new(at, new(InputPolicy.Rules.MalformedJson, $"The body is not valid JSON: {Shorten(json.InnerException.Message)}"));
        if (json.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
            return new(at, new(InputPolicy.Rules.UnpairedSurrogate, "Contains an unpaired surrogate, which is not text."));

        var expected = bodyType is null || options is null ? null : TypeAt(options, bodyType, json.Path);
        if (expected is not null && (Nullable.GetUnderlyingType(expected) ?? expected) is { IsEnum: true } enumType)
            return new(at, new(InputPolicy.Rules.UnknownValue,
                $"One of {string.Join(", ", Enum.GetNames(enumType).Select(JsonNamingPolicy.CamelCase.ConvertName))}."));
        return new(at, new(InputPolicy.Rules.WrongType, expected is null ? "Not a value of the expected type." : $"Expected {Describe(expected)}."));
    }

    /// <summary>A parameter minimal APIs could not bind: the message names it ("Failed to bind parameter \"int limit\" from \"x\"").</summary>
    private static InputRefusal FromBinding(string message)
    {
        if (BindFailed().Match(message) is { Success: true } failed)
            return new(failed.Groups[1].Value, new(InputPolicy.Rules.WrongType, $"'{Shorten(failed.Groups[2].Value)}' is not a value of this parameter's type."));
        if (RequiredParameter().Match(message) is { Success: true } required)
            return required.Groups[2].Value == "body"
                ? new("", new(InputPolicy.Rules.EmptyBody, "This request needs a JSON body."))
                : new(required.Groups[1].Value, new(InputPolicy.Rules.Required, "Required."));
        if (message.Contains("no body was provided", StringComparison.Ordinal))
            return new("", new(InputPolicy.Rules.EmptyBody, "This request needs a JSON body."));
        return new("", new(InputPolicy.Rules.WrongType, Shorten(message)));
    }

    private static readonly HashSet<string> IdentityFields = new(StringComparer.OrdinalIgnoreCase) { "requester", "by", "decidedBy", "actor", "from", "requestedBy", "createdBy" };

    private static string FieldOf(string? path) => path is null or "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>The .NET type the body expects at a JSON path such as <c>$.followUps[0].priority</c>, read from the serializer's own contract.</summary>
    private static Type? TypeAt(JsonSerializerOptions options, Type root, string? path)
    {
        if (path is null) return null;
        var type = root;
        foreach (Match step in PathStep().Matches(path))
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            if (step.Groups["name"].Success)
            {
                var property = info.Properties.FirstOrDefault(p => p.Name == step.Groups["name"].Value);
                if (property is null) return null;
                type = property.PropertyType;
            }
            else
            {
                if (info.ElementType is not { } element) return null;
                type = element;
            }
        }
        return type;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "an ISO-8601 date-time with an offset, e.g. 2026-11-23T09:05:00Z";
        if (type == typeof(Guid)) return "a UUID";
        if (type == typeof(TimeSpan)) return "a duration such as 04:00:00";
        if (type == typeof(JsonElement)) return "a JSON value";
        if (type.IsAssignableTo(typeof(IDictionary))) return "an object of named values";
        if (type.IsAssignableTo(typeof(IEnumerable))) return "an array";
        return "an object";
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";

    [GeneratedRegex("^The JSON property '(.*)' could not be mapped to any \\.NET member")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("was missing required properties including: (.*)\\.$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("^Failed to bind parameter \"[^ \"]+ ([^\"]+)\" from \"(.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex BindFailed();

    [GeneratedRegex("^Required parameter \"[^ \"]+ ([^\"]+)\" was not provided from (query string|route|header|body|form)", RegexOptions.Singleline)]
    private static partial Regex RequiredParameter();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<key>[^']*)'\]")]
    private static partial Regex PathStep();
}
