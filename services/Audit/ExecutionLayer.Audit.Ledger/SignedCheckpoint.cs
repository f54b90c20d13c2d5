using System.Security.Cryptography;
using System.Text;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// The ledger's head at <see cref="Sequence"/>, signed: ECDSA P-256 over SHA-256 of the UTF-8 bytes of
/// <see cref="SignedText"/>, the signature as r‖s (IEEE P1363, 64 bytes). A tail cut off or rewritten
/// after a checkpoint no longer reaches the hash it signs.
/// </summary>
public sealed record SignedCheckpoint(long Sequence, byte[] Hash, DateTimeOffset SignedAt, string KeyId, byte[] Signature)
{
    public string SignedText => SignedTextOf(Sequence, Hash, SignedAt, KeyId);

    /// <summary>Canonical JSON of the signed fields: {"hash":…,"keyId":…,"sequence":…,"signedAt":…}.</summary>
    public static string SignedTextOf(long sequence, byte[] hash, DateTimeOffset signedAt, string keyId)
    {
        var b = new StringBuilder(160);
        b.Append("{\"hash\":\"").Append(Chain.Hex(hash)).Append("\",\"keyId\":");
        CanonicalJson.WriteString(b, keyId);
        b.Append(",\"sequence\":").Append(sequence).Append(",\"signedAt\":\"").Append(CanonicalJson.Time(signedAt)).Append("\"}");
        return b.ToString();
    }

    public static SignedCheckpoint Sign(long sequence, byte[] hash, DateTimeOffset signedAt, ECDsa key)
    {
        var keyId = KeyIds.Of(key);
        var signature = key.SignData(Encoding.UTF8.GetBytes(SignedTextOf(sequence, hash, signedAt, keyId)), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedCheckpoint(sequence, hash, signedAt, keyId, signature);
    }

    public bool VerifyWith(ECDsa publicKey) =>
        Signature.Length == 64 && publicKey.VerifyData(Encoding.UTF8.GetBytes(SignedText), Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}

public static class KeyIds
{
    /// <summary>The first 16 hex digits of SHA-256 over the public key's SubjectPublicKeyInfo: names a key without trusting a label.</summary>
    public static string Of(ECDsa key) => Chain.Hex(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}
