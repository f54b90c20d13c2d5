using System.Text;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// An export is NDJSON, one object per line, in sequence order:
/// a "header"; "entry" lines (the canonical entry in full, with its prevHash and hash); "link" lines
/// for entries withheld between an exported entry and the checkpoint that covers it (digest only);
/// and "checkpoint" lines (signed heads). Every entry must be chained, through entries and links, to
/// a checkpoint whose signature verifies.
/// </summary>
public static class ExportFormat
{
    public const string Name = "executionlayer-audit-export/1";

    public static string Header(DateTimeOffset generatedAt, string filter)
    {
        var b = new StringBuilder("{\"kind\":\"header\",\"format\":\"").Append(Name).Append("\",\"generatedAt\":\"").Append(CanonicalJson.Time(generatedAt));
        b.Append("\",\"filter\":");
        CanonicalJson.WriteString(b, filter);
        b.Append(",\"hash\":\"hash(n) = SHA-256(hash(n-1) || SHA-256(canonical entry n)); 32 zero bytes before entry 1\"}");
        return b.ToString();
    }

    public static string Entry(LedgerEntry entry, byte[] prevHash, byte[] hash) =>
        $"{{\"kind\":\"entry\",\"sequence\":{entry.Sequence},\"prevHash\":\"{Chain.Hex(prevHash)}\",\"hash\":\"{Chain.Hex(hash)}\",\"entry\":{entry.Canonical()}}}";

    public static string Link(long sequence, byte[] prevHash, byte[] digest, byte[] hash) =>
        $"{{\"kind\":\"link\",\"sequence\":{sequence},\"prevHash\":\"{Chain.Hex(prevHash)}\",\"digest\":\"{Chain.Hex(digest)}\",\"hash\":\"{Chain.Hex(hash)}\"}}";

    public static string Checkpoint(SignedCheckpoint c) =>
        $"{{\"kind\":\"checkpoint\",\"sequence\":{c.Sequence},\"hash\":\"{Chain.Hex(c.Hash)}\",\"signedAt\":\"{CanonicalJson.Time(c.SignedAt)}\",\"keyId\":\"{c.KeyId}\",\"signature\":\"{Convert.ToBase64String(c.Signature)}\"}}";
}
