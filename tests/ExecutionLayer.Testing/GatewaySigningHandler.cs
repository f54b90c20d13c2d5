using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Testing;

/// <summary>
/// Stands in for the gateway in front of one service under test: signs each request as the actor its
/// X-Actor header names (or "test-client"), with the given scopes and sites. Tests of the gateway itself
/// go through the real one instead.
/// </summary>
public sealed class GatewaySigningHandler(IReadOnlyList<string>? sites = null, params string[] scopes) : DelegatingHandler
{
    /// <summary>What every service under test is configured with (<see cref="GatewayTrust.KeySetting"/>).</summary>
    public const string Key = "test-gateway-signing-key-0123456789-abcdef";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var actor = request.Headers.TryGetValues(GatewayHeaders.Actor, out var values) ? values.First() : "test-client";
        var caller = new Caller(actor, (scopes.Length == 0 ? ["admin"] : scopes).ToHashSet(StringComparer.Ordinal), sites);
        GatewaySignature.Sign(request.Headers, System.Text.Encoding.UTF8.GetBytes(Key), request.Method.Method, GatewaySignature.PathOf(request.RequestUri!), caller, DateTimeOffset.UtcNow);
        return base.SendAsync(request, cancellationToken);
    }
}
