using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Client;
using ExecutionLayer.Client.Api;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;

namespace ExecutionLayer.Demo.Api;

/// <summary>
/// One caller of the public API, through the gateway: an API key (machines), a bearer token (people) or
/// nothing (a signed decision link carries its own proof). <see cref="Api"/> is the client generated from the
/// gateway's description (tools/ExecutionLayer.Client); the raw calls remain for what a description cannot
/// type (a link's URL as the webhook gave it) until every caller has moved. Paths are the gateway's (<c>/api/…</c>).
/// </summary>
public sealed class GatewayClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly (string Name, string Value)? _credential;

    private GatewayClient(HttpClient http, string name, (string Name, string Value)? credential)
    {
        _http = http;
        Name = name;
        _credential = credential;
        // The caller's HttpClient, not Kiota's own handlers: retrying is the caller's decision (el-load waits patiently, the demo does not).
        var adapter = new HttpClientRequestAdapter(new Credential(credential), httpClient: http) { BaseUrl = http.BaseAddress?.ToString().TrimEnd('/') };
        Api = new GatewayApi(adapter).Api;
    }

    /// <summary>Who this client is, for the narration.</summary>
    public string Name { get; }

    /// <summary>Every route of the gateway, typed: <c>Api.Actions[id].Claim.PostAsync(…)</c>. A refusal throws <see cref="Microsoft.Kiota.Abstractions.ApiException"/> (a problem as <c>ProblemDetails</c>).</summary>
    public ApiRequestBuilder Api { get; }

    public static GatewayClient WithApiKey(HttpClient http, string name, string key) => new(http, name, ("X-Api-Key", key));

    public static GatewayClient WithToken(HttpClient http, string name, string token) => new(http, name, ("Authorization", $"Bearer {token}"));

    public static GatewayClient Anonymous(HttpClient http, string name) => new(http, name, null);

    /// <summary>
    /// A body as JSON on the wire: a generated model as the generated client writes it (its enums as the description's
    /// strings, its additional data as members), anything else as the web's camelCase JSON.
    /// </summary>
    public static async Task<string> WireAsync(object body, CancellationToken ct = default)
    {
        if (body is not IParsable model) return JsonSerializer.Serialize(body, Json);
        ApiClientBuilder.RegisterDefaultSerializer<JsonSerializationWriterFactory>();
        return await KiotaJsonSerializer.SerializeAsStringAsync(model, serializeOnlyChangedValues: false, ct);
    }

    /// <summary>
    /// The caller's one header on each request. Kiota's own API-key and bearer providers refuse plain http, and the
    /// gateway listens on loopback http in development; the credential is the same header either way.
    /// </summary>
    private sealed class Credential((string Name, string Value)? header) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            if (header is { } h) request.Headers.Add(h.Name, h.Value);
            return Task.CompletedTask;
        }
    }

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
        if (_credential is { } credential) request.Headers.TryAddWithoutValidation(credential.Name, credential.Value);
        if (body is not null) request.Content = new StringContent(await WireAsync(body, ct), System.Text.Encoding.UTF8, "application/json");
        return await _http.SendAsync(request, ct);
    }
}
