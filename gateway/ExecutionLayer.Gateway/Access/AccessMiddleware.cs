using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ExecutionLayer.Gateway.Access;

/// <summary>
/// Whether the authenticated caller may make this request: the <see cref="AccessTable"/> says which
/// scopes the route needs, and the scope policies decide — 401 when nobody (or a bad credential) is
/// calling, 403 when the scope is missing. The caller is then set as a feature for the rate limiter and
/// the forwarding transform, which signs it to the service.
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, IAuthorizationService authorization, BearerTokens tokens, ILogger<AccessMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var rule = AccessTable.For(context.Request.Method, path);
        if (!path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || rule is { Anonymous: true })
        {
            await next(context);
            return;
        }

        // The result UseAuthentication computed (each handler keeps it for the request), failure included: it says why.
        var authenticated = await context.AuthenticateAsync();
        if (authenticated?.Succeeded != true || ClientClaims.IdentityOf(context.User) is not { } client)
        {
            var refusal = GatewayAuthentication.RefusalOf(authenticated, tokens, context.Request);
            logger.LogInformation("Unauthenticated {Method} {Path}: {Refusal}", context.Request.Method, path, refusal);
            context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey";
            await ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Not authenticated",
                $"Send an API key (X-Api-Key) or a bearer token: {refusal}.");
            return;
        }
        if (rule is null || !await AnyAsync(context, rule.AnyOf))
        {
            logger.LogInformation("Forbidden {Method} {Path} for {Client}", context.Request.Method, path, client.PartitionKey);
            await ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", rule is null
                ? $"No client may {context.Request.Method} {path}."
                : $"{context.Request.Method} {path} needs one of the scopes {string.Join(", ", rule.AnyOf)}.");
            return;
        }

        context.Features.Set(client);
        context.Features.Set<Caller>(client.Caller);
        await next(context);
    }

    private async Task<bool> AnyAsync(HttpContext context, IEnumerable<string> scopes)
    {
        foreach (var scope in scopes)
            if ((await authorization.AuthorizeAsync(context.User, scope)).Succeeded) return true;
        return false;
    }
}
