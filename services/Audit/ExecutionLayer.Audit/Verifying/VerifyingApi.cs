using ExecutionLayer.Audit.Signing;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Audit.Verifying;

internal sealed record PublicKey(string KeyId, bool Current, string PublicKeyPem);

/// <summary>The keys checkpoints are signed with, for verifying an export offline.</summary>
internal sealed record SigningKeyList(string Algorithm, string CurrentKeyId, IReadOnlyList<PublicKey> Keys);

/// <summary>The chain checked in place, and the public keys to check it anywhere else.</summary>
internal static class VerifyingApi
{
    public static IEndpointRouteBuilder MapVerifyingApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/verify", VerifyAsync).Describe("VerifyLedger", "Recompute the hash chain and check the signed checkpoints over a range")
            .Problems(StatusCodes.Status400BadRequest);
        audit.MapGet("/keys", Keys).Describe("GetSigningKeys", "The public keys checkpoints are signed with");
        return app;
    }

    /// <param name="from">The first ledger sequence to check; 1 when left out.</param>
    /// <param name="to">The last; the head when left out.</param>
    public static async Task<Results<Ok<Verification>, ProblemHttpResult>> VerifyAsync(long? from, long? to, ChainVerifier verifier, CancellationToken ct)
    {
        if (from is < 1 || to is < 1 || (from is { } f && to is { } t && t < f))
            return Problem.Of(StatusCodes.Status400BadRequest, "Bad range", "from and to are ledger sequence numbers, 1 or more, with from ≤ to.");
        return TypedResults.Ok(await verifier.VerifyAsync(from ?? 1, to, ct));
    }

    public static Ok<SigningKeyList> Keys(SigningKeys keys) => TypedResults.Ok(new SigningKeyList("ES256 (ECDSA P-256, SHA-256, signature r||s base64)", keys.CurrentKeyId,
        [.. keys.Trusted.Select(k => new PublicKey(k.Key, k.Key == keys.CurrentKeyId, SigningKeys.PublicPem(k.Value)))]));
}
