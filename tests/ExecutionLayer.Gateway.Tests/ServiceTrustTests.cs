using System.Net;
using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>The services behind the gateway believe only what it signed.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class ServiceTrustTests(FrontDoor door)
{
    [Theory]
    [InlineData("exceptions", "/exceptions")]
    [InlineData("approvals", "/approvals")]
    [InlineData("actions", "/actions")]
    [InlineData("audit", "/audit/verify")]
    public async Task A_service_reached_past_the_gateway_is_401(string service, string path)
    {
        using var direct = door.Direct(service);
        direct.DefaultRequestHeaders.Add("X-Actor", "dana.director");
        direct.DefaultRequestHeaders.Add("X-Scopes", "admin");
        direct.DefaultRequestHeaders.Add("X-Sites", "*");
        var problem = await (await direct.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("gateway", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_signature_made_with_another_key_for_another_path_or_long_ago_is_401()
    {
        var admin = new Caller("dana.director", new HashSet<string> { "admin" }, null);
        var cases = new (byte[] Key, string SignedPath, DateTimeOffset At, string Why)[]
        {
            ("not-the-shared-key-0123456789-abcdefghij"u8.ToArray(), "/actions", DateTimeOffset.UtcNow, "does not match"),
            (System.Text.Encoding.UTF8.GetBytes(FrontDoor.SigningKey), "/kpis", DateTimeOffset.UtcNow, "does not match"),
            (System.Text.Encoding.UTF8.GetBytes(FrontDoor.SigningKey), "/actions", DateTimeOffset.UtcNow.AddMinutes(-10), "expired"),
        };
        foreach (var (key, signedPath, at, why) in cases)
        {
            using var direct = door.Direct("actions");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/actions");
            GatewaySignature.Sign(request.Headers, key, "GET", signedPath, admin, at);
            var problem = await (await direct.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains(why, problem.GetProperty("detail").GetString());
        }

        // The same request signed with the shared key, for this path and now, gets through: the refusals above are about the signature.
        using var signed = door.Direct("actions");
        using var good = new HttpRequestMessage(HttpMethod.Get, "/actions");
        GatewaySignature.Sign(good.Headers, System.Text.Encoding.UTF8.GetBytes(FrontDoor.SigningKey), "GET", "/actions", admin, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await signed.SendAsync(good)).StatusCode);
    }

    [Fact]
    public async Task The_signed_decision_link_needs_no_gateway_signature_it_carries_its_own_token()
    {
        using var direct = door.Direct("approvals");
        var page = await direct.GetAsync("/decisions/not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This link is not valid", await page.Content.ReadAsStringAsync());

        using var anyone = door.Client();
        var viaGateway = await anyone.GetAsync("/api/decisions/not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, viaGateway.StatusCode);
        Assert.Contains("This link is not valid", await viaGateway.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_and_the_api_description_are_open()
    {
        using var direct = door.Direct("actions");
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/openapi/v1.json")).StatusCode);
    }
}
