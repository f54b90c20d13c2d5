using System.Text;
using Microsoft.Extensions.Configuration;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// The key the gateway and the services share (<c>Gateway:SigningKey</c>, at least 32 characters).
/// There is no default: a service that cannot check who is calling must not start.
/// </summary>
public sealed class GatewayTrust
{
    public const string KeySetting = "Gateway:SigningKey";

    /// <summary>How far a signature's time may be from this machine's wall clock (either way).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public GatewayTrust(IConfiguration configuration)
    {
        var key = configuration[KeySetting];
        if (string.IsNullOrEmpty(key) || key.Length < 32)
            throw new InvalidOperationException($"{KeySetting} must be set to a secret of at least 32 characters shared by the gateway and the services.");
        Key = Encoding.UTF8.GetBytes(key);
    }

    public byte[] Key { get; }

    /// <summary>A GET to another service, signed as <paramref name="caller"/>: how a service asks an owner for its data.</summary>
    public HttpRequestMessage SignedGet(Uri uri, Caller caller)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        GatewaySignature.Sign(request.Headers, Key, "GET", GatewaySignature.PathOf(uri), caller, WallClock.GetUtcNow());
        return request;
    }

    /// <summary>
    /// Freshness is judged by the real wall clock, never by the service's business clock: tests and
    /// demos move that one hours ahead.
    /// </summary>
    public TimeProvider WallClock { get; init; } = TimeProvider.System;
}
