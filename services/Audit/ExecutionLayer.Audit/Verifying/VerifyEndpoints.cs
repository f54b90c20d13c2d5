using ExecutionLayer.Audit.Signing;

namespace ExecutionLayer.Audit.Verifying;

internal static class VerifyEndpoints
{
    public static IEndpointRouteBuilder MapVerifying(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/verify", async (long? from, long? to, ChainVerifier verifier, CancellationToken ct) =>
        {
            if (from is < 1 || to is < 1 || (from is { } f && to is { } t && t < f))
                return Results.Problem(statusCode: 400, title: "Bad range", detail: "from and to are ledger sequence numbers, 1 or more, with from ≤ to.");
            return Results.Ok(await verifier.VerifyAsync(from ?? 1, to, ct));
        });

        app.MapGet("/audit/keys", (SigningKeys keys) => Results.Ok(new
        {
            algorithm = "ES256 (ECDSA P-256, SHA-256, signature r||s base64)",
            currentKeyId = keys.CurrentKeyId,
            keys = keys.Trusted.Select(k => new { keyId = k.Key, current = k.Key == keys.CurrentKeyId, publicKeyPem = SigningKeys.PublicPem(k.Value) }),
        }));
        return app;
    }
}
