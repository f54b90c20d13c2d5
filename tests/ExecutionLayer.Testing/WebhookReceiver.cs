using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.Testing;

/// <summary>One webhook as it arrived, with whether its signature checks out by the Standard Webhooks algorithm.</summary>
public sealed record ReceivedWebhook(string Id, long Timestamp, string Signature, JsonElement Body, bool SignatureValid)
{
    public string Type => Body.GetProperty("type").GetString()!;
    public JsonElement Data => Body.GetProperty("data");
}

/// <summary>
/// A real HTTP endpoint on loopback standing in for a chat or e-mail bridge: it checks each signature
/// on its own (HMAC-SHA256 over "id.timestamp.body" with the whsec_ key), and can be told to fail.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly byte[] _key;
    private WebApplication _app = null!;
    private int _requests;

    private WebhookReceiver(string secret) => _key = Convert.FromBase64String(secret["whsec_".Length..]);

    public string Url { get; private set; } = "";

    /// <summary>Answer this many requests with 503 before accepting any.</summary>
    public int FailFirst { get; set; }

    /// <summary>While set, answer every request with this status.</summary>
    public int? AlwaysAnswer { get; set; }

    /// <summary>While set, hold every request this long before answering (a slow receiver).</summary>
    public TimeSpan? AnswerAfter { get; set; }

    public int Requests => _requests;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Raised as each accepted webhook arrives (for latency measurements), on the receiving thread.</summary>
    public event Action<ReceivedWebhook>? Arrived;

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var receiver = new WebhookReceiver(secret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver._app = builder.Build();
        receiver._app.MapPost("/hook", receiver.HandleAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = $"{address}/hook";
        return receiver;
    }

    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, string what, TimeSpan? timeout = null)
    {
        ReceivedWebhook? found = null;
        await Eventually.TrueAsync(() => (found = _received.FirstOrDefault(match)) is not null, what, timeout);
        return found!;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var count = Interlocked.Increment(ref _requests);
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (AnswerAfter is { } delay) await Task.Delay(delay);
        if (AlwaysAnswer is { } status) { http.Response.StatusCode = status; return; }
        if (count <= FailFirst) { http.Response.StatusCode = 503; return; }

        var id = http.Request.Headers["webhook-id"].ToString();
        var timestamp = long.Parse(http.Request.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var signature = http.Request.Headers["webhook-signature"].ToString();
        var expected = "v1," + Convert.ToBase64String(new HMACSHA256(_key).ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        var received = new ReceivedWebhook(id, timestamp, signature, JsonDocument.Parse(body).RootElement.Clone(), signature.Split(' ').Contains(expected));
        _received.Enqueue(received);
        Arrived?.Invoke(received);
        http.Response.StatusCode = 204;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
