using System.Security.Cryptography;
using System.Text;

namespace ExecutionLayer.Demo.Bridge;

/// <summary>
/// The Standard Webhooks check a bridge makes before believing a notice: HMAC-SHA256 over
/// "id.timestamp.body" with the subscription's whsec_ secret, any of the space-separated "v1,…" values,
/// and a timestamp within five minutes of the bridge's own (wall) clock.
/// </summary>
public sealed class WebhookSignature(string secret)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private readonly byte[] _key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);

    public bool Verifies(string id, string timestamp, string signatures, string body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds) || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return false;
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        Span<byte> given = stackalloc byte[64];
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!candidate.StartsWith("v1,", StringComparison.Ordinal)) continue;
            if (Convert.TryFromBase64String(candidate[3..], given, out var length) && CryptographicOperations.FixedTimeEquals(given[..length], expected)) return true;
        }
        return false;
    }

    /// <summary>A fresh whsec_ secret for a subscription.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
