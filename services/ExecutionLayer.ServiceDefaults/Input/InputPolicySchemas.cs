using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// The API description states the input policy as it is enforced: every string field's maximum (the
/// declared one, or a name's), and a field that may not be null is not shown as nullable — responses are
/// written leniently (<see cref="RequestJson"/>), which the generated schema would otherwise report.
/// </summary>
internal static class InputPolicySchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        // Times are read by our own converter, which the generator cannot see through: say what it takes.
        var type = context.JsonTypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTimeOffset))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        // Durations likewise (IsoDurationConverter): ISO-8601, not the generator's pattern for .NET's own form.
        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan))
        {
            schema.Type = type == typeof(TimeSpan) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "duration";
            schema.Pattern = null;
        }
        // An enum's own schema lists its names; the generator adds null to it when it first meets the enum as a
        // nullable one, which would let every non-nullable use take null. A nullable use says so itself (oneOf null).
        if ((Nullable.GetUnderlyingType(type) ?? type).IsEnum && schema.Enum is { Count: > 0 } names && names.Any(n => n is null || n.GetValueKind() == System.Text.Json.JsonValueKind.Null))
        {
            schema.Enum = [.. names.Where(n => n is not null && n.GetValueKind() != System.Text.Json.JsonValueKind.Null)];
            schema.Type = JsonSchemaType.String;
        }
        if (context.JsonPropertyInfo is { IsSetNullable: false } notNull && !notNull.PropertyType.IsValueType && schema.Type is { } declared)
            schema.Type = declared & ~JsonSchemaType.Null;
        if (type != typeof(string) || schema.Type is not { } declaredType || !declaredType.HasFlag(JsonSchemaType.String)) return Task.CompletedTask;
        schema.MaxLength = context.JsonPropertyInfo is { PropertyType: var p } property && p == typeof(string) ? InputPolicy.LimitOf(property) : schema.MaxLength ?? InputPolicy.NameMax;
        return Task.CompletedTask;
    }

    /// <summary>Each string path or query parameter's maximum: a name's, or what its endpoint declares (<see cref="ParameterLimit"/>).</summary>
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var limits = context.Description.ActionDescriptor.EndpointMetadata.OfType<ParameterLimit>().ToArray();
        foreach (var parameter in operation.Parameters ?? [])
            if (parameter.Schema is OpenApiSchema { Type: { } type } schema && type.HasFlag(JsonSchemaType.String) && schema.Format is null)
                schema.MaxLength = limits.FirstOrDefault(l => string.Equals(l.Parameter, parameter.Name, StringComparison.OrdinalIgnoreCase))?.Max ?? InputPolicy.NameMax;
        return Task.CompletedTask;
    }
}
