using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace ExecutionLayer.ServiceDefaults.OpenApi;

/// <summary>How a route tells the API description what its typed results cannot.</summary>
public static class ApiDescription
{
    /// <summary>
    /// The problems a route answers with beyond its typed results: a <see cref="Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult"/>
    /// carries its status only at run time, and the store's exception handler answers a lost race (409), a
    /// state that refuses the command (409), a rule broken (422) or a stream missing (404) for any handler.
    /// </summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.ProducesProblem(status);
        return route;
    }

    /// <summary>A command on a stream: missing (404), raced or refused by its state (409), or against a rule (422).</summary>
    public static RouteHandlerBuilder CommandProblems(this RouteHandlerBuilder route) =>
        route.Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);

    /// <summary>Names the operation (its <c>operationId</c>, also the generated client's method) and says in a line what it does.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string name, string summary) =>
        route.WithName(name).WithSummary(summary);

    /// <summary>
    /// A page as a second answer of the same status (a form post's confirmation beside a bridge's JSON). Said with
    /// Produces it would replace the typed result's JSON: one status has one entry, and the last one declared wins.
    /// </summary>
    public static RouteHandlerBuilder AlsoAPage(this RouteHandlerBuilder route, int status) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response is OpenApiResponse { Content: { } content })
                content["text/html"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            return Task.CompletedTask;
        });

    /// <summary>
    /// A query parameter read as text and parsed by <see cref="Query.QueryEnum"/> (any casing): the description lists
    /// the values it takes in the API's own spelling (camelCase), so a client is offered them instead of any string.
    /// </summary>
    public static RouteHandlerBuilder QueryValues<TEnum>(this RouteHandlerBuilder route, string parameter, params TEnum[] except) where TEnum : struct, Enum =>
        route.QueryValues(parameter, [.. Enum.GetValues<TEnum>().Except(except).Select(v => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.ToString()))]);

    /// <summary>A query parameter that takes one of these words.</summary>
    public static RouteHandlerBuilder QueryValues(this RouteHandlerBuilder route, string parameter, params string[] values) =>
        route.QuerySchema(parameter, new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)v)] });

    /// <summary>A query parameter that takes an ISO-8601 duration (PT4H).</summary>
    public static RouteHandlerBuilder QueryDuration(this RouteHandlerBuilder route, string parameter) =>
        route.QuerySchema(parameter, new OpenApiSchema { Type = JsonSchemaType.String, Format = "duration", MaxLength = 40 });

    /// <summary>What a query parameter the handler reads as text really takes; a name the operation lacks is a mistake at start.</summary>
    private static RouteHandlerBuilder QuerySchema(this RouteHandlerBuilder route, string parameter, OpenApiSchema schema) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var declared = operation.Parameters?.OfType<OpenApiParameter>().SingleOrDefault(p => p.Name == parameter && p.In == ParameterLocation.Query)
                ?? throw new InvalidOperationException($"{operation.OperationId} has no query parameter {parameter}.");
            declared.Schema = schema;
            return Task.CompletedTask;
        });
}
