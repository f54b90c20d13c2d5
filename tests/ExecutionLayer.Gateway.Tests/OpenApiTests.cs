using System.Net;

namespace ExecutionLayer.Gateway.Tests;

[Collection(FrontDoorCollection.Name)]
public sealed class OpenApiTests(FrontDoor door)
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
}
