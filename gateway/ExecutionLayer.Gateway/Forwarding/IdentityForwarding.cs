using System.Diagnostics;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Transforms;

namespace ExecutionLayer.Gateway.Forwarding;

/// <summary>
/// What every proxied request carries to a service: none of what the client said about itself, the
/// authenticated caller signed with the shared key, the correlation id, and the W3C trace this hop
/// continues. Credentials stay at the gateway.
/// </summary>
internal static class IdentityForwarding
{
    private static readonly string[] Stripped = [.. GatewayHeaders.All, "Authorization", "X-Api-Key", "Cookie", CorrelationId.HeaderName, "traceparent", "tracestate"];

    public static ValueTask ApplyAsync(RequestTransformContext context)
    {
        var headers = context.ProxyRequest.Headers;
        foreach (var name in Stripped) headers.Remove(name);

        var http = context.HttpContext;
        headers.TryAddWithoutValidation(CorrelationId.HeaderName, http.GetCorrelationId());
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            headers.TryAddWithoutValidation("traceparent", activity.Id);
            if (activity.TraceStateString is { } state) headers.TryAddWithoutValidation("tracestate", state);
        }

        // Anonymous routes (decision links) carry their own proof and get no identity.
        if (http.Features.Get<Caller>() is { } caller)
        {
            var trust = http.RequestServices.GetRequiredService<GatewayTrust>();
            GatewaySignature.Sign(headers, trust.Key, http.Request.Method, context.Path.Value ?? "/", caller, trust.WallClock.GetUtcNow());
        }
        return ValueTask.CompletedTask;
    }
}
