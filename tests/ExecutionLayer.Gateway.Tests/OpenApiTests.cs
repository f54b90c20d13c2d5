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
}
