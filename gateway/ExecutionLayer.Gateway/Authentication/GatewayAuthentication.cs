using System.Security.Cryptography;
using System.Text;
using ExecutionLayer.Gateway.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// Who is calling, in the ASP.NET Core pipeline: two schemes — API keys for machines, JWT bearer
/// tokens for people — behind one default that picks by what the request presents, and one
/// authorization policy per scope (<c>admin</c> satisfies every one). Which route needs which scope is
/// still said in one place only, the <see cref="AccessTable"/>.
/// People's tokens: HS256 or RS256 keys from <c>Gateway:Jwt</c> (<c>Issuer</c>, <c>Audience</c>,
/// <c>HmacSecrets</c>, <c>RsaPublicKeysPem</c>); issuer, audience, signature and lifetime are checked.
/// </summary>
internal static class GatewayAuthentication
{
    public const string Scheme = "Gateway";

    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var tokens = TokenValidation(configuration.GetSection("Gateway:Jwt"));
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or bearer token", o =>
                o.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Presents(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { })
            .AddJwtBearer(o =>
            {
                // Claims keep the token's own names (sub, scope, sites): they are what the access rules speak of.
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens ?? new TokenValidationParameters { RequireSignedTokens = true, IssuerSigningKeys = [] };
                // The gateway answers for itself (a problem response); the handler's own challenge would add nothing.
                o.Events = new JwtBearerEvents { OnChallenge = context => { context.HandleResponse(); return Task.CompletedTask; } };
            });
        services.AddAuthorization(o =>
        {
            foreach (var scope in Scopes.All)
                o.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                    ClientClaims.ScopesOf(context.User) is var held && (held.Contains(scope) || held.Contains(Scopes.Admin))));
        });
        services.AddSingleton(new BearerTokens(tokens is not null));
        return services;
    }

    /// <summary>The validation of people's tokens, or null when the gateway is configured to accept none.</summary>
    private static TokenValidationParameters? TokenValidation(IConfigurationSection jwt)
    {
        var keys = new List<SecurityKey>();
        foreach (var secret in jwt.GetSection("HmacSecrets").Get<string[]>() ?? [])
        {
            if (Encoding.UTF8.GetByteCount(secret) < 32) throw new InvalidOperationException("Gateway:Jwt:HmacSecrets: each secret needs at least 32 bytes for HS256.");
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)));
        }
        foreach (var pem in jwt.GetSection("RsaPublicKeysPem").Get<string[]>() ?? [])
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            keys.Add(new RsaSecurityKey(rsa));
        }
        if (keys.Count == 0) return null;
        if (string.IsNullOrEmpty(jwt["Issuer"]) || string.IsNullOrEmpty(jwt["Audience"]))
            throw new InvalidOperationException("Gateway:Jwt needs Issuer and Audience along with its keys.");
        return new TokenValidationParameters
        {
            ValidIssuer = jwt["Issuer"],
            ValidAudience = jwt["Audience"],
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Why a credential was not accepted, in words a client's developer can act on.</summary>
    public static string RefusalOf(AuthenticateResult? result, BearerTokens tokens, HttpRequest request)
    {
        if (result?.Failure is { } failure)
            return failure switch
            {
                SecurityTokenExpiredException => "the token has expired",
                SecurityTokenNotYetValidException => "the token is not valid yet",
                SecurityTokenInvalidAudienceException => "the token is for another audience",
                SecurityTokenInvalidIssuerException => "the token is from another issuer",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                    tokens.Accepted ? "the token's signature does not verify" : "this gateway accepts no bearer tokens",
                SecurityTokenException => "the token is not valid",
                _ => failure.Message,
            };
        if (result?.Succeeded == true) return "the token names nobody (sub)";
        return request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? "the token is not valid" : "no credentials";
    }
}

/// <summary>Whether people's tokens are accepted at all (some keys configured).</summary>
internal sealed record BearerTokens(bool Accepted);
