using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExecutionLayer.ServiceDefaults.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// People sign in elsewhere and bring a JWT (HS256 or RS256). Issuer, audience, signature and lifetime are
/// checked; <c>sub</c> names the person, <c>scope</c> (space-separated, or <c>scp</c> as a list) their
/// scopes, and <c>sites</c> (a list, or comma-separated; "*" for every site) what they may see.
/// Configuration: <c>Gateway:Jwt:Issuer</c>, <c>Audience</c>, <c>HmacSecrets</c>, <c>RsaPublicKeysPem</c>.
/// </summary>
public sealed class JwtBearer
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters? _parameters;

    public JwtBearer(IConfiguration configuration)
    {
        var section = configuration.GetSection("Gateway:Jwt");
        var keys = new List<SecurityKey>();
        foreach (var secret in section.GetSection("HmacSecrets").Get<string[]>() ?? [])
        {
            if (Encoding.UTF8.GetByteCount(secret) < 32) throw new InvalidOperationException("Gateway:Jwt:HmacSecrets: each secret needs at least 32 bytes for HS256.");
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)));
        }
        foreach (var pem in section.GetSection("RsaPublicKeysPem").Get<string[]>() ?? [])
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            keys.Add(new RsaSecurityKey(rsa));
        }
        if (keys.Count == 0) return;
        if (string.IsNullOrEmpty(section["Issuer"]) || string.IsNullOrEmpty(section["Audience"]))
            throw new InvalidOperationException("Gateway:Jwt needs Issuer and Audience along with its keys.");
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = section["Issuer"],
            ValidAudience = section["Audience"],
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    public bool Enabled => _parameters is not null;

    public async Task<(ClientIdentity? Client, string? Refusal)> AuthenticateAsync(string token)
    {
        if (_parameters is null) return (null, "this gateway accepts no bearer tokens");
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid) return (null, result.Exception switch
        {
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenNotYetValidException => "the token is not valid yet",
            SecurityTokenInvalidAudienceException => "the token is for another audience",
            SecurityTokenInvalidIssuerException => "the token is from another issuer",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify",
            _ => "the token is not valid",
        });
        var claims = result.Claims;
        if (Text(claims, "sub") is not { Length: > 0 and <= 200 } subject) return (null, "the token names nobody (sub)");
        var scopes = Values(claims, "scope", ' ').Concat(Values(claims, "scp", ' ')).ToHashSet(StringComparer.Ordinal);
        var sites = Values(claims, "sites", ',').ToArray();
        var caller = new Caller(subject, scopes, sites.Contains(Caller.EverySite) ? null : sites);
        return (new ClientIdentity($"user:{subject}", caller), null);
    }

    private static string? Text(IDictionary<string, object> claims, string name) => claims.TryGetValue(name, out var v) ? v?.ToString() : null;

    private static IEnumerable<string> Values(IDictionary<string, object> claims, string name, char separator)
    {
        if (!claims.TryGetValue(name, out var value) || value is null) return [];
        IEnumerable<string> raw = value switch
        {
            string s => s.Split(separator),
            IEnumerable<object> list => list.Select(o => o?.ToString() ?? ""),
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()),
            _ => [value.ToString() ?? ""],
        };
        return raw.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
