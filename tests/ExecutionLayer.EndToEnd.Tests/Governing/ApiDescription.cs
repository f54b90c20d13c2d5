using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>A parameter of an operation, as the API description states it.</summary>
public sealed record Parameter(string Name, string In, string? Type, string? Format, int? MaxLength);

/// <summary>A place in a request body where a value goes: its path as problems name it ("subject.id", "followUps[0].title") and its schema.</summary>
public sealed record BodyField(string Path, JsonElement Schema, bool Required)
{
    public string? Type => ApiDescription.TypeOf(Schema);

    /// <summary>One of listed values: an enum, or a constant (a CloudEvent's specversion, an event's type).</summary>
    public bool IsEnum => Schema.TryGetProperty("enum", out _) || Schema.TryGetProperty("const", out _);

    public int? MaxLength => Schema.TryGetProperty("maxLength", out var max) ? max.GetInt32() : null;

    /// <summary>Free-form JSON (a decision context): any value is one.</summary>
    public bool IsAnyJson => Type is null && !IsEnum;
}

/// <summary>One operation of the description: where it is, what it takes, its body's schema and the example it gives (the base each bad input varies).</summary>
public sealed record Operation(string Method, string Template, IReadOnlyList<Parameter> Parameters, JsonElement? Body, bool BodyRequired, JsonElement? Example = null)
{
    public string Key => $"{Method} {Template}";

    public bool Writes => Method is "POST" or "PUT" or "PATCH" or "DELETE";
}

/// <summary>
/// The gateway's merged OpenAPI document read as what a client generator would take from it: every
/// operation, its parameters with their types and limits, and its body schema with required fields,
/// types, formats, enums and maximum lengths — so a test walks every route without being told them.
/// </summary>
public sealed class ApiDescription(JsonElement document)
{
    private readonly JsonElement _schemas = document.GetProperty("components").GetProperty("schemas");

    public static async Task<ApiDescription> ReadAsync(GatewayCalls calls) =>
        new(JsonDocument.Parse((await calls.SendAsync(null, HttpMethod.Get, "/openapi.json")).Text).RootElement.Clone());

    public IEnumerable<Operation> Operations()
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => Resolve(p)).Select(p =>
                    {
                        var schema = p.TryGetProperty("schema", out var s) ? Resolve(s) : default;
                        return new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, schema.ValueKind == JsonValueKind.Object ? TypeOf(schema) : null,
                            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null,
                            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("maxLength", out var m) ? m.GetInt32() : null);
                    }).ToArray()
                    : [];
                JsonElement? body = null, example = null;
                var required = false;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody))
                {
                    required = requestBody.TryGetProperty("required", out var r) && r.GetBoolean();
                    // Of several JSON media types (the intake's), the one of a single object: a batch is varied as the event it is made of.
                    var json = requestBody.GetProperty("content").EnumerateObject().Where(c => c.Name.Contains("json", StringComparison.Ordinal))
                        .OrderBy(c => c.Value.TryGetProperty("example", out var e) && e.ValueKind == JsonValueKind.Array).FirstOrDefault();
                    if (json.Value.ValueKind == JsonValueKind.Object && json.Value.TryGetProperty("example", out var given)) example = given;
                    if (json.Value.ValueKind == JsonValueKind.Object && json.Value.TryGetProperty("schema", out var schema)) body = Resolve(Variant(schema, example));
                }
                yield return new Operation(operation.Name.ToUpperInvariant(), path.Name, parameters, body, required, example);
            }
    }

    /// <summary>Every value place in a body, nested objects and the first item of arrays included (dictionaries are one value under the key "k").</summary>
    public IEnumerable<BodyField> Fields(JsonElement schema, string prefix = "", int depth = 0)
    {
        schema = Resolve(schema);
        if (depth > 4 || !schema.TryGetProperty("properties", out var properties)) yield break;
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        foreach (var property in properties.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            var value = Resolve(property.Value);
            yield return new BodyField(path, value, required.Contains(property.Name));
            foreach (var inner in Inner(value, path, depth)) yield return inner;
        }
    }

    private IEnumerable<BodyField> Inner(JsonElement schema, string path, int depth)
    {
        switch (TypeOf(schema))
        {
            case "object" when schema.TryGetProperty("properties", out _):
                foreach (var field in Fields(schema, path, depth + 1)) yield return field;
                break;
            case "object" when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object:
                var value = Resolve(values);
                yield return new BodyField($"{path}['k']", value, false);
                foreach (var field in Inner(value, $"{path}['k']", depth + 1)) yield return field;
                break;
            case "array" when schema.TryGetProperty("items", out var items):
                var item = Resolve(items);
                yield return new BodyField($"{path}[0]", item, false);
                if (TypeOf(item) == "object") foreach (var field in Fields(item, $"{path}[0]", depth + 1)) yield return field;
                break;
        }
    }

    /// <summary>Of a union told apart by a discriminator (the intake's event types), the member the example is: its fields are the ones to vary.</summary>
    private JsonElement Variant(JsonElement schema, JsonElement? example)
    {
        if (schema.TryGetProperty("$ref", out var reference)) schema = _schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        if (example is not { ValueKind: JsonValueKind.Object } given || !schema.TryGetProperty("discriminator", out var discriminator)) return schema;
        var name = discriminator.GetProperty("propertyName").GetString()!;
        return given.TryGetProperty(name, out var value) && discriminator.TryGetProperty("mapping", out var mapping) && mapping.TryGetProperty(value.GetString()!, out var member)
            ? _schemas.GetProperty(member.GetString()!.Split('/')[^1]) : schema;
    }

    /// <summary>A value that fits the schema: required members only, the simplest of each type.</summary>
    public JsonNode? Sample(JsonElement schema, int depth = 0)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("const", out var constant)) return JsonNode.Parse(constant.GetRawText());
        if (schema.TryGetProperty("enum", out var values)) return JsonValue.Create(values.EnumerateArray().First(v => v.ValueKind == JsonValueKind.String).GetString());
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format == "date-time") return JsonValue.Create(DateTimeOffset.UtcNow.AddDays(2));
        return TypeOf(schema) switch
        {
            "string" when format == "uuid" => JsonValue.Create(Guid.NewGuid()),
            "string" when format == "duration" => JsonValue.Create("PT1H"),
            "string" => JsonValue.Create("x"),
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1m),
            "boolean" => JsonValue.Create(true),
            "array" => new JsonArray(),
            "object" when depth < 5 && schema.TryGetProperty("properties", out var properties) => new JsonObject(properties.EnumerateObject()
                .Where(p => schema.TryGetProperty("required", out var r) && r.EnumerateArray().Any(x => x.GetString() == p.Name))
                .Select(p => KeyValuePair.Create(p.Name, Sample(p.Value, depth + 1)))),
            _ => new JsonObject(),
        };
    }

    /// <summary>The JSON type a schema names, leaving out "null": "string", "object", … or null for any JSON.</summary>
    public static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return schema.TryGetProperty("properties", out _) ? "object" : null;
        return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not "null" and not "string")
            ?? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") : type.GetString();
    }

    /// <summary>Follows a $ref, and an optional value's anyOf/oneOf of null and a schema, to the schema itself.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var i = 0; i < 10; i++)
        {
            if (schema.ValueKind != JsonValueKind.Object) return schema;
            if (schema.TryGetProperty("$ref", out var reference))
                schema = _schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
            else if ((schema.TryGetProperty("anyOf", out var any) || schema.TryGetProperty("oneOf", out any))
                     && any.EnumerateArray().FirstOrDefault(s => !(s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")) is { ValueKind: JsonValueKind.Object } single)
                schema = single;
            else return schema;
        }
        return schema;
    }
}
