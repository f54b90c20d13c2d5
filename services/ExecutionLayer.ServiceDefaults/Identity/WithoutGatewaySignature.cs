using Microsoft.AspNetCore.Builder;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>Endpoint metadata: reachable without the gateway's signature.</summary>
public sealed class WithoutGatewaySignature
{
    public static readonly WithoutGatewaySignature Instance = new();
}

public static class WithoutGatewaySignatureExtensions
{
    /// <summary>
    /// For endpoints that carry their own proof (a signed decision link, a bridge's HMAC callback) or
    /// serve no data (health, the API description): everything else needs the gateway's signature.
    /// </summary>
    public static TBuilder AllowWithoutGatewaySignature<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(WithoutGatewaySignature.Instance);
}
