using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExecutionLayer.Gateway.Access;
using Yarp.ReverseProxy;

namespace ExecutionLayer.Gateway.OpenApi;

/// <summary>
/// One API description for the whole system at <c>/openapi.json</c>: each service's own document
/// (<c>/openapi/v1.json</c>, from its first destination), its paths put under <c>/api</c> as the gateway
/// serves them, its schemas merged, and the gateway's two ways in declared. Built on request and kept
/// for a short while; a service that does not answer is named in <c>x-unavailable</c> instead.
/// </summary>
internal sealed class MergedOpenApi(IProxyStateLookup proxy, IHttpClientFactory clients, IConfiguration configuration, TimeProvider clock, ILogger<MergedOpenApi> logger)
{
    public const string HttpClientName = "openapi";
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _building = new(1, 1);
    private (JsonObject Document, DateTimeOffset BuiltAt)? _cached;

    public async Task<JsonObject> GetAsync(CancellationToken ct)
    {
        if (_cached is { } fresh && clock.GetUtcNow() - fresh.BuiltAt < KeepFor) return fresh.Document;
        await _building.WaitAsync(ct);
        try
        {
            if (_cached is { } again && clock.GetUtcNow() - again.BuiltAt < KeepFor) return again.Document;
            var document = await BuildAsync(ct);
            _cached = (document, clock.GetUtcNow());
            return document;
        }
        finally { _building.Release(); }
    }

    private async Task<JsonObject> BuildAsync(CancellationToken ct)
    {
        var documents = new List<(string Cluster, JsonObject Document)>();
        var unavailable = new JsonArray();
        foreach (var service in configuration.GetSection("Gateway:OpenApi:Clusters").Get<string[]>() ?? [])
        {
            if (await FetchAsync(service, ct) is { } document) documents.Add((service, document));
            else unavailable.Add(service);
        }
        var merged = Merge(documents, new GatewayPaths(proxy.GetRoutes().Select(r => r.Config)));
        merged["x-unavailable"] = unavailable;
        return merged;
    }

    /// <summary>
    /// The services' documents as the gateway serves them: each path at its gateway address (or left out when
    /// no route reaches it), each operation with the access it needs and the refusals the gateway itself
    /// answers with, every schema under one name (two services' different schemas of one name are an error:
    /// a client would get one of them wrong).
    /// </summary>
    public static JsonObject Merge(IReadOnlyList<(string Cluster, JsonObject Document)> documents, GatewayPaths gatewayPaths)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var (cluster, document) in documents)
        {
            foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
            {
                if (!schemas.TryGetPropertyValue(name, out var existing)) schemas[name] = schema?.DeepClone();
                else if (!JsonNode.DeepEquals(existing, schema))
                    throw new InvalidOperationException($"Two services describe different schemas named {name} ({cluster} is one): rename one of the types.");
            }
            foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
            {
                if (item is null || gatewayPaths.Of(cluster, path) is not { } served) continue;
                var operations = item.DeepClone().AsObject();
                foreach (var (method, operation) in operations)
                    if (operation is JsonObject op)
                    {
                        op["tags"] ??= new JsonArray(cluster);
                        DescribeAccess(op, method, served);
                    }
                paths[served] = operations;
            }
        }

        // The gateway's own refusals are problems whether or not a service declared one.
        if (!schemas.ContainsKey("ProblemDetails"))
            schemas["ProblemDetails"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["type"] = new JsonArray("null", "string") }, ["title"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                    ["status"] = new JsonObject { ["type"] = new JsonArray("null", "integer"), ["format"] = "int32" },
                    ["detail"] = new JsonObject { ["type"] = new JsonArray("null", "string") }, ["instance"] = new JsonObject { ["type"] = new JsonArray("null", "string") },
                },
            };
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "ExecutionLayer API",
                ["version"] = "v1",
                ["description"] = "Every service behind the gateway. Authenticate with an API key (X-Api-Key) or a bearer JWT; each operation lists the scopes that admit it. " +
                    "Decision links carry their own token and need neither. Errors are RFC 7807 problems (application/problem+json); times are UTC with six fractional digits.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key", ["description"] = "A key from `ExecutionLayer.Gateway new-api-key`; its scopes and sites are the caller's." },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT", ["description"] = "A token from the plant's identity provider; its scope and site claims are the caller's." },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() }),
        };
    }

    /// <summary>The access table's rule for the operation as its security (scopes listed), and the gateway's own refusals as its responses.</summary>
    private static void DescribeAccess(JsonObject operation, string method, string path)
    {
        var rule = AccessTable.For(method.ToUpperInvariant(), new PathString(path));
        var responses = operation["responses"] as JsonObject ?? [];
        operation["responses"] = responses;
        if (rule is { Anonymous: true })
            operation["security"] = new JsonArray();
        else
        {
            // Admin admits everywhere; a rule with no scopes is admin only.
            var scopes = (rule?.AnyOf ?? []).Append(Scopes.Admin).Distinct().ToArray();
            operation["security"] = new JsonArray(
                new JsonObject { ["apiKey"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]) },
                new JsonObject { ["bearer"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]) });
            Refusal(responses, "401", "No valid API key or bearer token.");
            Refusal(responses, "403", $"The caller holds none of the scopes {string.Join(", ", scopes)}, or may not see the site.");
        }
        Refusal(responses, "429", "Over the client's rate limit; Retry-After says when to try again.");
        Refusal(responses, "502", "The service could not be reached or broke off.");
        Refusal(responses, "504", "The service did not answer within the route's time limit.");
    }

    private static void Refusal(JsonObject responses, string status, string description)
    {
        if (responses.ContainsKey(status)) return;
        responses[status] = new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" } } },
        };
    }

    private async Task<JsonObject?> FetchAsync(string clusterId, CancellationToken ct)
    {
        if (!proxy.TryGetCluster(clusterId, out var cluster) || cluster.Destinations.Values.FirstOrDefault() is not { } destination) return null;
        try
        {
            var address = new Uri(new Uri(destination.Model.Config.Address.TrimEnd('/') + "/"), "openapi/v1.json");
            return JsonNode.Parse(await clients.CreateClient(HttpClientName).GetStringAsync(address, ct)) as JsonObject;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("No API description from {Cluster}: {Error}", clusterId, e.Message);
            return null;
        }
    }

    /// <summary>A plain page listing every operation: browsable without a UI bundle the registry here does not serve.</summary>
    public static string Page(JsonObject document)
    {
        var html = new StringBuilder("""
            <!doctype html><html><head><meta charset="utf-8"><title>ExecutionLayer API</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.2rem .8rem;vertical-align:top}code{font-size:.95em}
            .m{font-weight:bold;text-transform:uppercase}</style></head><body>
            <h1>ExecutionLayer API</h1><p>The machine-readable description: <a href="/openapi.json">/openapi.json</a>.
            Authenticate with <code>X-Api-Key</code> or <code>Authorization: Bearer</code>.</p><table>
            """);
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                html.Append($"<tr><td class=m>{WebUtility.HtmlEncode(method)}</td><td><code>{WebUtility.HtmlEncode(path)}</code></td><td>{WebUtility.HtmlEncode(operation?["tags"]?[0]?.ToString() ?? "")}</td><td>{WebUtility.HtmlEncode(operation?["summary"]?.ToString() ?? operation?["operationId"]?.ToString() ?? "")}</td></tr>");
        return html.Append("</table></body></html>").ToString();
    }
}
