using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// The machine clients' scheme: an API key in <c>X-Api-Key</c> (or <c>Authorization: ApiKey …</c>),
/// checked against the stored salted hashes. No key is no result, so the request may still carry a token;
/// a wrong one fails.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    /// <summary>Whether the request presents an API key at all (the gateway's default scheme forwards here then).</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.ContainsKey(Header) || request.Headers.Authorization.ToString().StartsWith($"{SchemeName} ", StringComparison.OrdinalIgnoreCase);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[Header];
        var authorization = Request.Headers.Authorization.ToString();
        if (presented is null && authorization.StartsWith($"{SchemeName} ", StringComparison.OrdinalIgnoreCase)) presented = authorization[(SchemeName.Length + 1)..].Trim();
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        return Task.FromResult(keys.Find(presented) is { } key
            ? AuthenticateResult.Success(new AuthenticationTicket(ClientClaims.ForApiKey(key, SchemeName), SchemeName))
            : AuthenticateResult.Fail("the API key is not valid"));
    }
}
