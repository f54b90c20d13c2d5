using System.Globalization;
using System.Security.Claims;
using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// The claims both schemes leave on the principal, in the JWT's own names (inbound mapping is off): who
/// (<c>sub</c>), what they may do (<c>scope</c>, or <c>scp</c>), where (<c>sites</c>; "*" for every
/// site) — and, for an API key, which key and its own rate limit. A principal becomes the one
/// <see cref="ClientIdentity"/> the rest of the gateway reads.
/// </summary>
internal static class ClientClaims
{
    public const string Subject = "sub";
    public const string Scope = "scope";
    public const string ScopeList = "scp";
    public const string Sites = "sites";
    public const string ApiKey = "api_key";
    public const string RequestsPerSecond = "rate";
    public const string Burst = "burst";

    public static ClaimsPrincipal ForApiKey(ApiKeyRecord key, string scheme)
    {
        var claims = new List<Claim> { new(Subject, key.Actor ?? $"api-key:{key.Id}"), new(ApiKey, key.Id), new(Scope, string.Join(' ', key.Scopes)) };
        claims.AddRange(key.Sites.Select(site => new Claim(Sites, site)));
        if (key.RequestsPerSecond is { } rate) claims.Add(new(RequestsPerSecond, rate.ToString(CultureInfo.InvariantCulture)));
        if (key.Burst is { } burst) claims.Add(new(Burst, burst.ToString(CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, Subject, Scope));
    }

    public static IReadOnlySet<string> ScopesOf(ClaimsPrincipal user) =>
        Values(user, Scope, ' ').Concat(Values(user, ScopeList, ' ')).ToHashSet(StringComparer.Ordinal);

    /// <summary>The gateway's view of an authenticated principal; null when it names nobody.</summary>
    public static ClientIdentity? IdentityOf(ClaimsPrincipal user)
    {
        if (user.FindFirst(Subject)?.Value is not { Length: > 0 and <= 200 } subject) return null;
        var sites = Values(user, Sites, ',').ToArray();
        var caller = new Caller(subject, ScopesOf(user), sites.Contains(Caller.EverySite) ? null : sites);
        return user.FindFirst(ApiKey)?.Value is { } key
            ? new ClientIdentity($"key:{key}", caller, Number(user, RequestsPerSecond), (int?)Number(user, Burst))
            : new ClientIdentity($"user:{subject}", caller);
    }

    /// <summary>A claim's values, whether it came as several claims (a JSON array) or as one separated string.</summary>
    private static IEnumerable<string> Values(ClaimsPrincipal user, string type, char separator) =>
        user.FindAll(type).SelectMany(c => c.Value.Split(separator)).Select(v => v.Trim()).Where(v => v.Length > 0);

    private static double? Number(ClaimsPrincipal user, string type) =>
        double.TryParse(user.FindFirst(type)?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
