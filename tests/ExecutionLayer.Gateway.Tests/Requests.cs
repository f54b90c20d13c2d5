using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.Gateway.Tests;

internal static class Requests
{
    public static object Action(string site, string title = "Replace CNC-4 spindle bearing") => new
    {
        title, owner = "maint.lead", due = DateTimeOffset.UtcNow.AddDays(4), priority = "P2", site, department = "maintenance",
        kpis = new[] { "scrap-rate" }, perspective = "InternalProcess", requiredEvidence = "Text",
    };

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, JsonDefaults.Options);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A problem response (RFC 7807) with the given status.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
