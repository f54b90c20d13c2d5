using System.Security.Cryptography;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// The hash chain: hash(n) = SHA-256(hash(n−1) ‖ SHA-256(canonical entry n)), with 32 zero bytes before
/// the first entry. Chaining the entry's digest rather than its bytes is what lets an export prove
/// that a few entries sit in the signed chain while the unrelated entries between them are disclosed
/// only as digests.
/// </summary>
public static class Chain
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] Next(ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> entryDigest)
    {
        Span<byte> joined = stackalloc byte[64];
        previousHash.CopyTo(joined);
        entryDigest.CopyTo(joined[32..]);
        return SHA256.HashData(joined);
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);
}
