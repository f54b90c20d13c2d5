using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// How the services read a request body: the shared JSON shape (<see cref="JsonDefaults"/>) made strict.
/// A field the endpoint does not know is refused (a client sending <c>requester</c> learns it is not
/// how identity works instead of being silently ignored); a constructor parameter without a default is
/// required and a non-nullable one may not be null; and once each object is read, its strings are held to
/// <see cref="InputPolicy"/>. No converter is replaced, so the API description still sees every type.
/// </summary>
public static class RequestJson
{
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        JsonDefaults.Apply(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectRequiredConstructorParameters = true;
        options.RespectNullableAnnotations = true;
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(Police);
        return options;
    }

    private static void Police(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        var checks = new List<Func<object, (string Member, InputViolation Violation)?>>();
        foreach (var property in type.Properties)
        {
            // Nullability is the request's rule; what the service answers with is its own business.
            if (!property.PropertyType.IsValueType) property.IsGetNullable = true;
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
