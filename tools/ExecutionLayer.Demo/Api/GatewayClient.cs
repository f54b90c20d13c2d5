using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExecutionLayer.Demo.Api;

/// <summary>
/// One caller of the public API, through the gateway: an API key (machines), a bearer token (people) or
/// nothing (a signed decision link carries its own proof). Paths are the gateway's (<c>/api/…</c>).
/// </summary>
public sealed class GatewayClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Action<HttpRequestHeaders> _authorize;

    private GatewayClient(HttpClient http, string name, Action<HttpRequestHeaders> authorize)
    {
        _http = http;
        Name = name;
        _authorize = authorize;
    }

    /// <summary>Who this client is, for the narration.</summary>
    public string Name { get; }

    public static GatewayClient WithApiKey(HttpClient http, string name, string key) =>
        new(http, name, headers => headers.Add("X-Api-Key", key));

    public static GatewayClient WithToken(HttpClient http, string name, string token) =>
        new(http, name, headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", token));

    public static GatewayClient Anonymous(HttpClient http, string name) => new(http, name, _ => { });

    public Task<JsonElement> GetAsync(string path, CancellationToken ct = default) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonElement> PutAsync(string path, object body, CancellationToken ct = default) => SendAsync(HttpMethod.Put, path, body, ct);

    public async Task<string> GetTextAsync(string path, CancellationToken ct = default)
    {
        using var response = await RawAsync(HttpMethod.Get, path, null, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? text : throw new ApiException(HttpMethod.Get, path, response.StatusCode, text);
    }

    /// <summary>The answer as JSON, or <see cref="ApiException"/> for anything but 2xx.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct = default)
    {
        using var response = await RawAsync(method, path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new ApiException(method, path, response.StatusCode, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The status alone, for reads that may find nothing yet.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TryGetAsync(string path, CancellationToken ct = default)
    {
        using var response = await RawAsync(HttpMethod.Get, path, null, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return (response.StatusCode, text.Length == 0 || response.Content.Headers.ContentType?.MediaType?.Contains("json") != true
            ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        _authorize(request.Headers);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        return await _http.SendAsync(request, ct);
    }
}
