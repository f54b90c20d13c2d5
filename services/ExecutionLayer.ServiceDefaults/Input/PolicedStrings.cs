using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// A contract modifier holding every string an object is read with to <see cref="InputPolicy"/>: once
/// the object is read, each string property (its declared maximum, else a name's), each string in a
/// collection or dictionary, and each string inside a <see cref="JsonElement"/> is checked, and the first
/// that breaks the policy refuses the read with <see cref="InputRefusedException"/>. Converters are left
/// alone, so a schema generated from the same contract still sees every type.
/// </summary>
public static class PolicedStrings
{
    public static void Modify(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        var checks = new List<Func<object, (string Member, InputViolation Violation)?>>();
        foreach (var property in type.Properties)
        {
            if (property.Get is not { } get) continue;
            if (CheckFor(property) is { } check) checks.Add(owner => check(get(owner)) is { } found ? (Member(property.Name, found.Path), found.Violation) : null);
        }
        if (checks.Count == 0) return;
        var previous = type.OnDeserialized;
        type.OnDeserialized = owner =>
        {
            previous?.Invoke(owner);
            foreach (var check in checks)
                if (check(owner) is { } refused) throw new InputRefusedException(refused.Member, refused.Violation);
        };
    }

    /// <summary>The check of one property's value, by its type: nested objects police themselves when they are read.</summary>
    private static Func<object?, (string Path, InputViolation Violation)?>? CheckFor(JsonPropertyInfo property)
    {
        var type = property.PropertyType;
        if (type == typeof(string))
        {
            var max = InputPolicy.LimitOf(property);
            return value => value is string s && InputPolicy.Check(s, max) is { } bad ? ("", bad) : null;
        }
        if (type == typeof(JsonElement) || type == typeof(JsonElement?))
            return value => value is JsonElement element ? InputPolicy.Check(element) : null;
        if (type.IsAssignableTo(typeof(IEnumerable)))
            return value => Strings(value);
        return null;
    }

    /// <summary>Strings held in a collection or dictionary (keys too), each a name at most <see cref="InputPolicy.NameMax"/>.</summary>
    private static (string Path, InputViolation Violation)? Strings(object? value)
    {
        switch (value)
        {
            case null or string:
                return null;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? "";
                    if (InputPolicy.Check(key, InputPolicy.NameMax) is { } badKey) return ($"['{key}']", badKey with { Message = $"A key: {badKey.Message}" });
                    if (Strings(entry.Value) is { } inValue) return ($"['{key}']{inValue.Path}", inValue.Violation);
                    if (entry.Value is string s && InputPolicy.Check(s, InputPolicy.NameMax) is { } bad) return ($"['{key}']", bad);
                }
                return null;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    if (item is string s && InputPolicy.Check(s, InputPolicy.NameMax) is { } bad) return ($"[{index}]", bad);
                    if (item is IEnumerable and not string && Strings(item) is { } inner) return ($"[{index}]{inner.Path}", inner.Violation);
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    private static string Member(string name, string path) => name + path;
}
