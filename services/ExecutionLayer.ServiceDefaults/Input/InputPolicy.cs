using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// What every string a client sends must be, wherever it comes in — a body field, a query parameter, a
/// path segment, an intake event: no NUL (PostgreSQL cannot store it in text or jsonb, and it truncates
/// strings in C libraries), no unpaired surrogate (not text in any encoding), and no longer than its
/// field's declared maximum. Names, codes and ids are at most <see cref="NameMax"/> unless the field says
/// otherwise; free text (reasons, comments, notes) is <see cref="FreeTextAttribute"/>.
/// </summary>
public static class InputPolicy
{
    public const int NameMax = 200;
    public const int FreeTextMax = 4_000;

    /// <summary>Rule names, as problems report them.</summary>
    public static class Rules
    {
        public const string NulCharacter = "nul-character";
        public const string UnpairedSurrogate = "unpaired-surrogate";
        public const string TooLong = "too-long";
        public const string UnknownField = "unknown-field";
        public const string Required = "required";
        public const string WrongType = "wrong-type";
        public const string UnknownValue = "unknown-value";
        public const string MalformedJson = "malformed-json";
        public const string EmptyBody = "empty-body";
    }

    public static InputViolation? Check(string value, int max)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return new(Rules.NulCharacter, "Contains a NUL character (\\u0000), which no field may hold.");
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(c)) return new(Rules.UnpairedSurrogate, $"Contains an unpaired surrogate (\\u{(int)c:x4}), which is not text.");
        }
        return value.Length > max ? new(Rules.TooLong, $"At most {max:N0} characters; this is {value.Length:N0}.") : null;
    }

    /// <summary>
    /// Every string and property name inside a JSON value (a decision context, an intake event's data).
    /// Their length is bounded by the request's body limit, unless <paramref name="maxString"/> says less.
    /// </summary>
    /// <returns>The first violation and the path to it within the value: "" for the value itself, else ".name" and "[index]" steps.</returns>
    public static (string Path, InputViolation Violation)? Check(JsonElement value, int maxString = int.MaxValue)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Text(value, maxString) is { } bad ? ("", bad) : null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return ("", new(Rules.UnpairedSurrogate, "A property name contains an unpaired surrogate, which is not text."));
                    }
                    if (Check(name, NameMax) is { } badName) return ("", badName with { Message = $"A property name: {badName.Message}" });
                    if (Check(property.Value, maxString) is { } inner) return ($".{name}{inner.Path}", inner.Violation);
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Check(item, maxString) is { } inner) return ($"[{index}]{inner.Path}", inner.Violation);
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The declared maximum of a string property: <c>[FreeText]</c>, <c>[MaxLength(n)]</c>, else a name's.</summary>
    public static int LimitOf(JsonPropertyInfo property)
    {
        var declared = Declared(property.AttributeProvider) ?? Declared(property.AssociatedParameter?.AttributeProvider);
        return declared ?? NameMax;
    }

    private static int? Declared(ICustomAttributeProvider? provider) =>
        provider?.GetCustomAttributes(typeof(MaxLengthAttribute), inherit: true).OfType<MaxLengthAttribute>().FirstOrDefault()?.Length;

    private static InputViolation? Text(JsonElement value, int max)
    {
        try
        {
            return Check(value.GetString()!, max);
        }
        catch (InvalidOperationException)
        {
            return new(Rules.UnpairedSurrogate, "Contains an unpaired surrogate, which is not text.");
        }
    }
}

/// <summary>Why a value was refused: the rule, and what the client should do.</summary>
public sealed record InputViolation(string Rule, string Message);
