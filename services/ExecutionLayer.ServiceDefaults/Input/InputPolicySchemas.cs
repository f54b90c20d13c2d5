using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// The API description states the input policy's maximum on every string field — the declared one, or a
/// name's — so a client (or a generated test) knows the limit before it is refused for it.
/// </summary>
internal static class InputPolicySchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonTypeInfo.Type != typeof(string) || schema.Type is not { } type || !type.HasFlag(JsonSchemaType.String)) return Task.CompletedTask;
        schema.MaxLength = context.JsonPropertyInfo is { PropertyType: var p } property && p == typeof(string) ? InputPolicy.LimitOf(property) : schema.MaxLength ?? InputPolicy.NameMax;
        return Task.CompletedTask;
    }
}
