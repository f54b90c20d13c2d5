using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>Someone who calls the gateway: a person with a token or a machine with an API key, named as the gateway will sign them.</summary>
public sealed record Caller(string Name, Action<HttpRequestHeaders> Authorize);

/// <summary>What the gateway answered, kept whole so a test can judge a refusal as well as a success.</summary>
public sealed record Answer(int Status, string? MediaType, string Text)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsProblem => MediaType == "application/problem+json";

    public JsonElement Json => Text.Length == 0 ? default : JsonDocument.Parse(Text).RootElement.Clone();

    public string? Rule => Refusal is { } problem && problem.TryGetProperty("rule", out var rule) ? rule.GetString() : null;

    public string? Field => Refusal is { } problem && problem.TryGetProperty("field", out var named) ? named.GetString() : null;

    /// <summary>The problem itself, or — for the intake's answer to a batch of one it took nothing of — that event's problem.</summary>
    private JsonElement? Refusal => !IsProblem ? null
        : Json.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array && results.GetArrayLength() == 1
            && results[0].TryGetProperty("problem", out var problem) && problem.ValueKind == JsonValueKind.Object ? problem
        : Json;

    public override string ToString() => $"{Status} {MediaType} {(Text.Length > 400 ? Text[..400] + "…" : Text)}";
}

/// <summary>Raw calls through the gateway: any body (valid, broken or hostile), any caller, a correlation id of the test's choosing.</summary>
public sealed class GatewayCalls(HttpClient http)
{
    public async Task<Answer> SendAsync(Caller? caller, HttpMethod method, string path, string? json = null, string? correlationId = null)
    {
        using var request = new HttpRequestMessage(method, path);
        caller?.Authorize(request.Headers);
        if (correlationId is not null) request.Headers.Add("X-Correlation-Id", correlationId);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    public async Task<Answer> SendAsync(Caller? caller, HttpMethod method, string path, object body, string? correlationId = null) =>
        await SendAsync(caller, method, path, await Demo.Api.GatewayClient.WireAsync(body), correlationId);

    /// <summary>A call that must succeed (set-up and reads), answered as JSON.</summary>
    public async Task<JsonElement> OkAsync(Caller caller, HttpMethod method, string path, object? body = null)
    {
        var answer = body is null ? await SendAsync(caller, method, path, (string?)null) : await SendAsync(caller, method, path, body);
        Assert.True(answer.IsSuccess, $"{method} {path} as {caller.Name}: {answer}");
        return answer.Json;
    }
}
