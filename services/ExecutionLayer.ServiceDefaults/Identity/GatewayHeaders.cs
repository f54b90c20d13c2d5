namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// What the gateway tells a service about the caller it authenticated. A service believes these
/// headers only when <see cref="Signature"/> proves the gateway wrote them.
/// </summary>
public static class GatewayHeaders
{
    /// <summary>Who, percent-encoded (names need not be ASCII).</summary>
    public const string Actor = "X-Actor";

    /// <summary>Granted scopes, space-separated.</summary>
    public const string Scopes = "X-Scopes";

    /// <summary>Sites the caller may see, comma-separated; <c>*</c> for every site.</summary>
    public const string Sites = "X-Sites";

    /// <summary>Unix seconds when the gateway signed; a signature is good for a few minutes only.</summary>
    public const string Timestamp = "X-Gateway-Timestamp";

    /// <summary><c>v1=</c> and the base64 HMAC-SHA256 of <see cref="GatewaySignature.Canonical"/>.</summary>
    public const string Signature = "X-Gateway-Signature";

    /// <summary>Every identity header: the gateway removes these from what a client sends.</summary>
    public static readonly string[] All = [Actor, Scopes, Sites, Timestamp, Signature];
}
