using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExecutionLayer.ServiceDefaults.OpenApi;

/// <summary>
/// The input policy's limits belong to what a client sends. The schema transformer sees a type, not whether it is
/// read or written, so it gives every string its maximum; here, once the document is whole, a schema no request
/// reaches loses them: a review's minutes or a problem's detail are longer than a name, and a client validating
/// answers against the description (the end-to-end contract test does) would refuse them. A problem keeps the
/// members its handlers add (traceId, correlationId, field, rule, results…): it is open, whatever the reader's policy.
/// </summary>
internal static class AnswerSchemas
{
    private static readonly string[] Problems = ["ProblemDetails", "HttpValidationProblemDetails"];

    public static Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        if (document.Components?.Schemas is not { } components) return Task.CompletedTask;
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value))
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? []) Reach(media.Schema, components, read);
            foreach (var parameter in operation.Parameters ?? []) Reach(parameter.Schema, components, read);
        }
        foreach (var (name, schema) in components)
        {
            if (read.Contains(name)) continue;
            Unlimit(schema);
            if (Problems.Contains(name) && schema is OpenApiSchema problem)
            {
                problem.AdditionalPropertiesAllowed = true;
                problem.AdditionalProperties = null;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Every component a request's schema uses, through properties, items, maps and compositions.</summary>
    private static void Reach(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> components, HashSet<string> read)
    {
        switch (schema)
        {
            case null:
                return;
            case OpenApiSchemaReference { Reference.Id: { } id }:
                if (read.Add(id) && components.TryGetValue(id, out var target)) Reach(target, components, read);
                return;
        }
        foreach (var inner in Inner(schema)) Reach(inner, components, read);
    }

    /// <summary>The string maxima of a schema and its inline parts (a referenced schema is judged as a component of its own).</summary>
    private static void Unlimit(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchemaReference || schema is not OpenApiSchema own) return;
        own.MaxLength = null;
        foreach (var inner in Inner(own)) Unlimit(inner);
    }

    private static IEnumerable<IOpenApiSchema> Inner(IOpenApiSchema schema) =>
        (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])
            .Concat(new[] { schema.Items, schema.AdditionalProperties }.OfType<IOpenApiSchema>());
}
