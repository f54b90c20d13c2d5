using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// The one canonical form of JSON the ledger hashes (docs: README "Audit service", canonical JSON):
/// objects with keys sorted by UTF-16 code unit, no insignificant whitespace, strings escaped only
/// where JSON requires (", \ and U+0000–U+001F, the last as \b \f \n \r \t or \u00xx), and every number
/// as its exact decimal value in normal form — no exponent, no leading or trailing zeros, "-0" as "0"
/// — falling back to d.ddde±n only past 64 digits. Duplicate keys make a document non-canonical.
/// </summary>
public static class CanonicalJson
{
    private const int MaxPlainDigits = 64;

    /// <exception cref="FormatException">The text is not one JSON document, or an object repeats a key.</exception>
    public static string Canonicalize(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not JSON: {e.Message}", e);
        }
        using (document)
        {
            var builder = new StringBuilder(json.Length);
            Write(builder, document.RootElement);
            return builder.ToString();
        }
    }

    public static void Write(StringBuilder to, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = element.EnumerateObject().ToList();
                properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                to.Append('{');
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        if (properties[i].Name == properties[i - 1].Name) throw new FormatException($"Duplicate key \"{properties[i].Name}\".");
                        to.Append(',');
                    }
                    WriteString(to, properties[i].Name);
                    to.Append(':');
                    Write(to, properties[i].Value);
                }
                to.Append('}');
                break;
            case JsonValueKind.Array:
                to.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) to.Append(',');
                    first = false;
                    Write(to, item);
                }
                to.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(to, element.GetString()!);
                break;
            case JsonValueKind.Number:
                to.Append(Number(element.GetRawText()));
                break;
            case JsonValueKind.True:
                to.Append("true");
                break;
            case JsonValueKind.False:
                to.Append("false");
                break;
            default:
                to.Append("null");
                break;
        }
    }

    public static void WriteString(StringBuilder to, string value)
    {
        to.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': to.Append("\\\""); break;
                case '\\': to.Append("\\\\"); break;
                case '\b': to.Append("\\b"); break;
                case '\f': to.Append("\\f"); break;
                case '\n': to.Append("\\n"); break;
                case '\r': to.Append("\\r"); break;
                case '\t': to.Append("\\t"); break;
                case < ' ': to.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: to.Append(c); break;
            }
        }
        to.Append('"');
    }

    /// <summary>A JSON number literal as its exact decimal value in normal form ("1.50e3" → "1500", "-0.0" → "0", "1E-3" → "0.001").</summary>
    public static string Number(string literal)
    {
        var negative = literal.StartsWith('-');
        var body = negative ? literal[1..] : literal;
        var e = body.IndexOfAny(['e', 'E']);
        var exponent = e < 0 ? BigInteger.Zero : BigInteger.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa[..dot] + mantissa[(dot + 1)..];
        if (dot >= 0) exponent -= mantissa.Length - dot - 1;

        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        digits = trimmed;
        if (digits.Length == 0) return "0";

        var sign = negative ? "-" : "";
        // value = digits × 10^exponent; the point sits `exponent` places right of the last digit.
        var pointFromLeft = digits.Length + exponent;
        if (exponent >= 0 && pointFromLeft <= MaxPlainDigits) return sign + digits + new string('0', (int)exponent);
        if (exponent < 0 && pointFromLeft > 0) return sign + digits[..(int)pointFromLeft] + "." + digits[(int)pointFromLeft..];
        if (exponent < 0 && -pointFromLeft + digits.Length <= MaxPlainDigits) return sign + "0." + new string('0', (int)-pointFromLeft) + digits;

        var scientific = pointFromLeft - 1;
        return sign + digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + scientific.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Instants as UTC with exactly six fractional digits (PostgreSQL keeps microseconds).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An instant cut to the microsecond, as it will read back from the database.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
}
