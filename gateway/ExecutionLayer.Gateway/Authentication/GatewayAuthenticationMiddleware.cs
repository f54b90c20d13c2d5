using ExecutionLayer.Gateway.Access;
using ExecutionLayer.ServiceDefaults.Problems;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// Who is calling (an API key, or a person's JWT) and whether the access table lets them: 401 when
/// nobody or a bad credential, 403 when the scope is missing. An authenticated client is set as a
/// feature for the rate limiter and the forwarding transform.
/// </summary>
internal sealed class GatewayAuthenticationMiddleware(RequestDelegate next, ApiKeys keys, JwtBearer jwt, ILogger<GatewayAuthenticationMiddleware> logger)
{
    public const string ApiKeyHeader = "X-Api-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var rule = AccessTable.For(context.Request.Method, path);
        if (rule is { Anonymous: true })
        {
            await next(context);
            return;
        }

        var (client, refusal) = await AuthenticateAsync(context.Request);
        if (client is null)
        {
            logger.LogInformation("Unauthenticated {Method} {Path}: {Refusal}", context.Request.Method, path, refusal);
            context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey";
            await ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Not authenticated",
                $"Send an API key (X-Api-Key) or a bearer token: {refusal}.");
            return;
        }
        if (rule is null || !rule.Allows(client.Caller))
        {
            logger.LogInformation("Forbidden {Method} {Path} for {Client}", context.Request.Method, path, client.PartitionKey);
            await ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", rule is null
                ? $"No client may {context.Request.Method} {path}."
                : $"{context.Request.Method} {path} needs one of the scopes {string.Join(", ", rule.AnyOf)}.");
            return;
        }

        context.Features.Set(client);
        context.Features.Set(client.Caller);
        await next(context);
    }

    private async Task<(ClientIdentity?, string)> AuthenticateAsync(HttpRequest request)
    {
        string? apiKey = request.Headers[ApiKeyHeader];
        var authorization = request.Headers.Authorization.ToString();
        if (apiKey is null && authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase)) apiKey = authorization[7..].Trim();
        if (apiKey is not null) return keys.Authenticate(apiKey) is { } client ? (client, "") : (null, "the API key is not valid");
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var (client, refusal) = await jwt.AuthenticateAsync(authorization[7..].Trim());
            return (client, refusal ?? "");
        }
        return (null, "no credentials");
    }
}
