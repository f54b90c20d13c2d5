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
/// gateway's description (tools/ExecutionLayer.Client): every call the demo and the load make goes through it.
/// </summary>
public sealed class GatewayClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    private GatewayClient(HttpClient http, string name, (string Name, string Value)? credential)
    {
        _http = http;
        Name = name;
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

    /// <summary>The gateway's API description itself (<c>/openapi.json</c>), which no operation of it describes.</summary>
    public async Task<string> DescriptionAsync(CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi.json");
        using var response = await _http.SendAsync(request, ct);
        return (await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(ct));
    }
}
