using ExecutionLayer.Testing;
using System.Net;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Load.Workload;
using Xunit.Abstractions;

namespace ExecutionLayer.Faults.Tests;

/// <summary>
/// Every write endpoint the gateway publishes (from its own merged OpenAPI document), fed what a broken
/// or hostile client sends, during load: each answer a 4xx problem, and nothing stored because of it.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BadInputTests(FaultyPlant plant, ITestOutputHelper output)
{
    private static readonly (string Name, string Body)[] BadBodies =
    [
        ("malformed JSON", "{ \"title\": "),
        ("an array for an object", "[1, 2, 3]"),
        ("a string for an object", "\"text\""),
        ("a huge number for an object", new string('9', 400)),
        ("null", "null"),
        ("NUL characters", "{\"\\u0000\": \"\\u0000\"}"),
        ("a number beyond any type", "{\"amount\": 1e400, \"quantity\": 1e400, \"value\": 1e400}"),
        ("an oversize body", "{\"title\": \"" + new string('x', 12 * 1024 * 1024) + "\"}"),
    ];

    [Fact]
    public async Task Bad_input_at_every_public_write_endpoint_is_a_4xx_problem_and_changes_nothing()
    {
        using var http = new HttpClient { BaseAddress = new Uri(plant.System.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(60) };
        var endpoints = await WriteEndpointsAsync(http);
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} write endpoints in /openapi.json");

        var before = await StoredAsync();
        var wrong = new List<string>();
        foreach (var (method, path) in endpoints)
            foreach (var (name, body) in BadBodies)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Api-Key", plant.System.Keys.Admin);
                using var response = await http.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    wrong.Add($"{method} {path} with {name}: {status} {response.Content.Headers.ContentType?.MediaType}");
            }
        foreach (var (name, status) in await SemanticallyWrongAsync(http))
            if (status is < HttpStatusCode.BadRequest or >= HttpStatusCode.InternalServerError) wrong.Add($"{name}: {(int)status}");

        await Task.Delay(TimeSpan.FromSeconds(2)); // anything a bad request set moving would be stored by now
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(before, await StoredAsync());
        output.WriteLine($"{endpoints.Count} write endpoints × {BadBodies.Length} bad bodies, plus the semantic and credential cases: all 4xx problems, nothing stored");
    }

    /// <summary>Well-formed JSON that is still wrong, and callers who are not who they say.</summary>
    private async Task<List<(string, HttpStatusCode)>> SemanticallyWrongAsync(HttpClient http)
    {
        var answers = new List<(string, HttpStatusCode)>();
        async Task Send(string name, HttpMethod method, string path, string? body, Action<HttpRequestMessage> credentials)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            credentials(request);
            using var response = await http.SendAsync(request);
            answers.Add((name, response.StatusCode));
        }
        void Erp(HttpRequestMessage r) => r.Headers.Add("X-Api-Key", plant.System.Keys.Erp);
        void Admin(HttpRequestMessage r) => r.Headers.Add("X-Api-Key", plant.System.Keys.Admin);

        await Send("an intake event of an unknown machine state", HttpMethod.Post, "/api/events",
            """[{"specversion":"1.0","id":"bad-1","source":"mes","type":"MachineStateChanged","site":"OH-DAYTON","subject":"work-center/X","time":"2026-11-22T08:00:00Z","data":{"workCenter":"X","state":"exploded"}}]""", Erp);
        await Send("an intake event with a NUL id and no data", HttpMethod.Post, "/api/events",
            """[{"specversion":"1.0","id":"\u0000","source":"mes","type":"LotProduced","site":"OH-DAYTON","subject":"lot/L","time":"2026-11-22T08:00:00Z"}]""", Erp);
        await Send("an intake event of an unknown type", HttpMethod.Post, "/api/events",
            """[{"specversion":"1.0","id":"bad-3","source":"mes","type":"Teleported","site":"OH-DAYTON","subject":"lot/L","time":"2026-11-22T08:00:00Z","data":{}}]""", Erp);
        await Send("an action of unknown priority", HttpMethod.Post, "/api/actions",
            """{"title":"t","owner":"o","due":"2026-12-01T00:00:00Z","site":"OH-DAYTON","priority":"p9"}""", Admin);
        await Send("an approval for a huge amount", HttpMethod.Post, "/api/approvals",
            """{"subject":{"type":"overtime","id":"x"},"site":"OH-DAYTON","amount":1e400,"currency":"USD","reason":"r","decisionContext":{}}""", Admin);
        await Send("a decision with a forged token", HttpMethod.Post, "/api/decisions", """{"token":"forged.token.value","comment":"x"}""", _ => { });
        await Send("an expired person's token", HttpMethod.Get, "/api/actions?site=OH-DAYTON",
            null, r => r.Headers.Authorization = new("Bearer", ExpiredToken()));
        await Send("a token signed with another key", HttpMethod.Get, "/api/actions?site=OH-DAYTON",
            null, r => r.Headers.Authorization = new("Bearer", new ExecutionLayer.Demo.Api.DevelopmentTokens(new string('k', 48), RunningSystem.JwtIssuer, RunningSystem.JwtAudience)
                .For("mallory", ["admin"], ["*"])));
        var dayton = plant.Load.Acknowledged.ActionsCreated.First();
        await Send("another site's action", HttpMethod.Get, $"/api/actions/{dayton}", null, r => r.Headers.Authorization = new("Bearer",
            plant.System.Tokens.For("outsider", ["actions:read"], ["NOWHERE"])));
        await Send("another site's action, written to", HttpMethod.Post, $"/api/actions/{dayton}/start", "{}", r => r.Headers.Authorization = new("Bearer",
            plant.System.Tokens.For("outsider", ["actions:write"], ["NOWHERE"])));
        return answers;
    }

    private string ExpiredToken()
    {
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        return handler.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = RunningSystem.JwtIssuer, Audience = RunningSystem.JwtAudience,
            Claims = new Dictionary<string, object> { ["sub"] = "late", ["scope"] = "actions:read", ["sites"] = PlantSites.All[0] },
            NotBefore = DateTime.UtcNow.AddHours(-3), IssuedAt = DateTime.UtcNow.AddHours(-3), Expires = DateTime.UtcNow.AddHours(-2),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(plant.System.JwtSecret)),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Every POST/PUT/PATCH of the merged description, its path parameters filled with ids that exist nowhere.</summary>
    private static async Task<List<(string Method, string Path)>> WriteEndpointsAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi.json"));
        var endpoints = new List<(string, string)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch"))
                endpoints.Add((operation.Name.ToUpperInvariant(), System.Text.RegularExpressions.Regex.Replace(path.Name, "{[^}]+}",
                    m => m.Value.Contains("site", StringComparison.OrdinalIgnoreCase) ? PlantSites.All[0] : Guid.NewGuid().ToString())));
        return endpoints;
    }

    private async Task<long> StoredAsync()
    {
        long total = 0;
        foreach (var service in new[] { "exceptions", "approvals", "actions" })
            total += await Database.ScalarAsync(plant.System, $"SELECT count(*) FROM {ServiceEvents.Table(service)}");
        return total;
    }
}
