using System.Security.Cryptography;
using System.Text;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// The Standard Webhooks signature (standardwebhooks.com): <c>v1,base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))</c>,
/// the secret given as <c>whsec_</c> + base64 of its bytes, the timestamp in Unix seconds. Used both ways:
/// to sign what we deliver and to check what a bridge calls back with.
/// </summary>
public static class StandardWebhooks
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        var bytes = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], bytes, out var length) && length is >= 16 and <= 64;
    }

    public static string Sign(string secret, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    /// <returns>Null when the message is authentic and fresh; otherwise why not.</returns>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
            return $"Send the {IdHeader}, {TimestampHeader} and {SignatureHeader} headers.";
        if (!long.TryParse(timestamp, out var seconds)) return $"{TimestampHeader} must be Unix seconds.";
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds) return $"{TimestampHeader} is outside the {tolerance.TotalMinutes:0}-minute tolerance.";
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, seconds, body));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected)) return null;
        return "No signature matches.";
    }

    private static byte[] Key(string secret) => Convert.FromBase64String(secret[SecretPrefix.Length..]);
}
