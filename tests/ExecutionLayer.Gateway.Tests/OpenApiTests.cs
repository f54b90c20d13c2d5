using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace ExecutionLayer.Gateway.Tests;

[Collection(FrontDoorCollection.Name)]
public sealed partial class OpenApiTests(FrontDoor door)
{
    [Fact]
    public async Task One_description_covers_every_service_at_the_gateways_own_paths()
    {
        using var anyone = door.Client();
        var document = await (await anyone.GetAsync("/openapi.json")).JsonAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[] { "/api/events", "/api/exceptions", "/api/approvals", "/api/actions", "/api/kpis", "/api/audit/timeline" })
            Assert.Contains(path, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/health", StringComparison.Ordinal) || !p.StartsWith("/api/", StringComparison.Ordinal));
        Assert.Equal(0, document.GetProperty("x-unavailable").GetArrayLength());
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("apiKey", out _));

        var page = await anyone.GetAsync("/docs");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/actions", await page.Content.ReadAsStringAsync());
    }

    /// <summary>The graph views are named handlers with typed results: the document knows each answer's shape and its problems.</summary>
    [Fact]
    public async Task The_graph_views_document_their_answer_schemas_and_their_problems()
    {
        using var anyone = door.Client();
        var document = await (await anyone.GetAsync("/openapi.json")).JsonAsync(HttpStatusCode.OK);
        var order = document.GetProperty("paths").GetProperty("/api/graph/orders/{orderId}").GetProperty("get");
        Assert.Equal("GetOrder", order.GetProperty("operationId").GetString());
        var responses = order.GetProperty("responses");
        Assert.EndsWith("/OrderView", responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(responses.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var lots = document.GetProperty("paths").GetProperty("/api/graph/lots/{lotId}").GetProperty("get").GetProperty("responses");
        Assert.True(lots.TryGetProperty("400", out _));
        Assert.True(lots.TryGetProperty("404", out _));
    }

    /// <summary>
    /// The other half of the contract: nothing the gateway forwards to is missing from the description. Each
    /// service's endpoints, as the service itself routes them, are mapped to the gateway's address by the same
    /// routes that forward them; every one the gateway reaches has its operation. (The end-to-end contract test
    /// holds the answers to the operations.)
    /// </summary>
    [Fact]
    public async Task Every_endpoint_the_gateway_forwards_to_has_an_operation_in_the_description()
    {
        using var anyone = door.Client();
        var document = await (await anyone.GetAsync("/openapi.json")).JsonAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        var gateway = new OpenApi.GatewayPaths(door.GatewayContainer.GetRequiredService<IProxyStateLookup>().GetRoutes().Select(r => r.Config));

        var reached = 0;
        var missing = new List<string>();
        foreach (var (service, container) in door.ServiceContainers)
            foreach (var endpoint in container.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            {
                // A group's own route ("/actions" + "") reads "/actions/"; the description, like the router, names it "/actions".
                var path = "/" + Constraint().Replace(endpoint.RoutePattern.RawText!.Trim('/'), "{$1}");
                if (gateway.Of(service, path) is not { } served) continue;
                foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
                {
                    reached++;
                    if (!paths.TryGetProperty(served, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                        missing.Add($"{method} {served} ({service} {endpoint.DisplayName})");
                }
            }

        Assert.True(reached >= 70, $"only {reached} endpoints reached through the gateway");
        Assert.True(missing.Count == 0, $"{missing.Count} of {reached} forwarded endpoints have no operation:\n{string.Join("\n", missing)}");
    }

    /// <summary>A route parameter with its constraint or default ({id:guid}, {format?}) as the description names it ({id}).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\{\*{0,2}([^}:=?]+)[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex Constraint();
}
