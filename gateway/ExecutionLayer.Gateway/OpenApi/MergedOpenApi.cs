using System.Net;
using System.Text;
using System.Text.Json.Nodes;
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
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var unavailable = new JsonArray();
        foreach (var service in configuration.GetSection("Gateway:OpenApi:Clusters").Get<string[]>() ?? [])
        {
            var document = await FetchAsync(service, ct);
            if (document is null) { unavailable.Add(service); continue; }
            foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
            {
                if (item is null || path.StartsWith("/health", StringComparison.Ordinal) || path.StartsWith("/openapi", StringComparison.Ordinal)) continue;
                var operations = item.DeepClone().AsObject();
                foreach (var (_, operation) in operations)
                    if (operation is JsonObject op && op["tags"] is null) op["tags"] = new JsonArray(service);
                paths["/api" + path] = operations;
            }
            foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
                if (!schemas.ContainsKey(name)) schemas[name] = schema?.DeepClone();
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "ExecutionLayer API",
                ["version"] = "v1",
                ["description"] = "Every service behind the gateway. Authenticate with an API key (X-Api-Key) or a bearer JWT; decision links carry their own token.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key" },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() }),
            ["x-unavailable"] = unavailable,
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
