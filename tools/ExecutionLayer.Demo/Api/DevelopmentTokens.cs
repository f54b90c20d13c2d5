using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ExecutionLayer.Demo.Api;

/// <summary>
/// Stands in for the plant's identity provider in a development run: HS256 tokens with the secret,
/// issuer and audience the gateway was started with (infra/env.sh). Production people bring tokens from
/// the real provider; nothing else about the calls changes.
/// </summary>
public sealed class DevelopmentTokens(string secret, string issuer, string audience)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string For(string person, IEnumerable<string> scopes, IEnumerable<string> sites) => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", person), new Claim("scope", string.Join(' ', scopes)), new Claim("sites", string.Join(',', sites))]),
        Expires = DateTime.UtcNow.AddHours(8),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
    });
}
