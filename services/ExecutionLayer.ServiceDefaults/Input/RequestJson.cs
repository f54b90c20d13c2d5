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
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(LenientResponses).WithAddedModifier(PolicedStrings.Modify);
        return options;
    }

    /// <summary>Nullability is the request's rule; what the service answers with is its own business.</summary>
    private static void LenientResponses(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
            if (!property.PropertyType.IsValueType) property.IsGetNullable = true;
    }
}
