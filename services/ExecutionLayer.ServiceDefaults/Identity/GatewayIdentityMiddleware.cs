using System.Globalization;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// A service is reached only through the gateway: a request without a valid gateway signature is
/// answered 401 before any endpoint runs, unless the endpoint carries its own proof (a signed decision
/// link) or serves no data (health, the API description). A verified caller is set as a feature for
/// endpoints to take as <see cref="Caller"/>.
/// </summary>
internal sealed class GatewayIdentityMiddleware(RequestDelegate next, GatewayTrust trust, ILogger<GatewayIdentityMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<WithoutGatewaySignature>() is not null)
        {
            await next(context);
            return;
        }

        var (caller, refusal) = Verify(context.Request);
        if (caller is null)
        {
            logger.LogWarning("Refused {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, refusal);
            await ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Not signed by the gateway",
                $"This service answers only requests forwarded by the ExecutionLayer gateway: {refusal}.");
            return;
        }
        context.Features.Set(caller);
        await next(context);
    }

    private (Caller?, string) Verify(HttpRequest request)
    {
        var headers = request.Headers;
        string? actor = headers[GatewayHeaders.Actor], scopes = headers[GatewayHeaders.Scopes], sites = headers[GatewayHeaders.Sites];
        string? timestamp = headers[GatewayHeaders.Timestamp], signature = headers[GatewayHeaders.Signature];
        if (signature is null) return (null, "no gateway signature");
        if (string.IsNullOrEmpty(actor) || scopes is null || sites is null || timestamp is null) return (null, "identity headers missing");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return (null, "malformed signature time");
        var age = trust.WallClock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (age.Duration() > GatewayTrust.MaxAge) return (null, "signature expired");
        var canonical = GatewaySignature.Canonical(request.Method, request.Path.Value ?? "/", seconds, actor, scopes, sites);
        if (!GatewaySignature.Matches(trust.Key, canonical, signature)) return (null, "signature does not match");

        var name = Uri.UnescapeDataString(actor).Trim();
        if (name.Length is 0 or > 200 || name.Any(char.IsControl)) return (null, "malformed actor");
        return (new Caller(name, Caller.ParseScopes(scopes), Caller.ParseSites(sites)), "");
    }
}
