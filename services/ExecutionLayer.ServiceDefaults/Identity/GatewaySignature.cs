using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// The HMAC that binds the identity headers to one request: the method, the path the service sees,
/// the time of signing and the caller. A captured signature is no good for another path, for another
/// caller, or after <see cref="GatewayTrust.MaxAge"/>.
/// </summary>
public static class GatewaySignature
{
    private const string Version = "v1=";

    public static string Canonical(string method, string path, long timestamp, string actorHeader, string scopesHeader, string sitesHeader) =>
        $"el-gateway-v1\n{method.ToUpperInvariant()}\n{path}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{actorHeader}\n{scopesHeader}\n{sitesHeader}";

    public static string Compute(byte[] key, string canonical) =>
        Version + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));

    public static bool Matches(byte[] key, string canonical, string? presented)
    {
        if (presented is null || !presented.StartsWith(Version, StringComparison.Ordinal)) return false;
        Span<byte> given = stackalloc byte[32];
        if (!Convert.TryFromBase64String(presented[Version.Length..], given, out var written) || written != 32) return false;
        return CryptographicOperations.FixedTimeEquals(given, HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// The path as the receiving service's <c>Request.Path</c> will read it: decoded, so "/policies/a%20b"
    /// and "/policies/a b" sign alike however the client escaped it.
    /// </summary>
    public static string PathOf(Uri uri) => PathString.FromUriComponent(uri.AbsolutePath).Value ?? "/";

    /// <summary>Writes the caller's identity headers and their signature onto an outgoing request (the gateway, a service calling another).</summary>
    /// <param name="path">The decoded path the service will see (<see cref="PathOf"/>).</param>
    public static void Sign(HttpRequestHeaders headers, byte[] key, string method, string path, Caller caller, DateTimeOffset now)
    {
        foreach (var name in GatewayHeaders.All) headers.Remove(name);
        var actor = Uri.EscapeDataString(caller.Actor);
        var timestamp = now.ToUnixTimeSeconds();
        headers.TryAddWithoutValidation(GatewayHeaders.Actor, actor);
        headers.TryAddWithoutValidation(GatewayHeaders.Scopes, caller.ScopesHeader);
        headers.TryAddWithoutValidation(GatewayHeaders.Sites, caller.SitesHeader);
        headers.TryAddWithoutValidation(GatewayHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(GatewayHeaders.Signature,
            Compute(key, Canonical(method, path, timestamp, actor, caller.ScopesHeader, caller.SitesHeader)));
    }
}
