using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ExecutionLayer.Audit.Ledger;

public sealed record ExportProblem(int Line, long? Sequence, string Reason);

public sealed record ExportVerification(bool Ok, int Entries, int Links, int Checkpoints, ExportProblem? Problem);

/// <summary>
/// Checks an export with nothing but the public keys: each line's hash from its prevHash and the
/// entry's own canonical digest, the chain from line to line, and that every entry reaches a checkpoint
/// whose hash matches and whose signature verifies.
/// </summary>
public static class ExportVerifier
{
    public static ExportVerification Verify(IEnumerable<string> lines, IReadOnlyDictionary<string, ECDsa> publicKeys)
    {
        int entries = 0, links = 0, checkpoints = 0, number = 0;
        long? last = null;
        byte[]? running = null;
        var unanchored = new List<long>();
        var sawHeader = false;

        ExportVerification Fail(long? sequence, string reason) => new(false, entries, links, checkpoints, new ExportProblem(number, sequence, reason));

        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException e) { return Fail(null, $"not JSON: {e.Message}"); }
            using (document)
            {
                var root = document.RootElement;
                var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : null;
                if (!sawHeader)
                {
                    if (kind != "header" || root.GetProperty("format").GetString() != ExportFormat.Name) return Fail(null, $"not an {ExportFormat.Name} export");
                    sawHeader = true;
                    continue;
                }
                try
                {
                    switch (kind)
                    {
                        case "entry" or "link":
                        {
                            var sequence = root.GetProperty("sequence").GetInt64();
                            var prev = Chain.FromHex(root.GetProperty("prevHash").GetString()!);
                            if (last is { } l && sequence <= l) return Fail(sequence, "lines are not in ascending sequence order");
                            if (last is { } before && sequence == before + 1)
                            {
                                if (!prev.AsSpan().SequenceEqual(running)) return Fail(sequence, "prevHash does not continue the chain from the line before");
                            }
                            else if (unanchored.Count > 0)
                            {
                                return Fail(unanchored[0], $"entry {unanchored[0]} is not covered by a signed checkpoint");
                            }
                            byte[] digest;
                            if (kind == "entry")
                            {
                                var entry = root.GetProperty("entry");
                                if (entry.GetProperty("sequence").GetInt64() != sequence) return Fail(sequence, "the entry's sequence differs from its line's");
                                var canonical = new StringBuilder();
                                CanonicalJson.Write(canonical, entry);
                                digest = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
                                entries++;
                                unanchored.Add(sequence);
                            }
                            else
                            {
                                digest = Chain.FromHex(root.GetProperty("digest").GetString()!);
                                links++;
                            }
                            var hash = Chain.Next(prev, digest);
                            if (!hash.AsSpan().SequenceEqual(Chain.FromHex(root.GetProperty("hash").GetString()!)))
                                return Fail(sequence, kind == "entry" ? "hash mismatch: the entry's content does not give its hash" : "hash mismatch on a link");
                            running = hash;
                            last = sequence;
                            break;
                        }
                        case "checkpoint":
                        {
                            var checkpoint = new SignedCheckpoint(
                                root.GetProperty("sequence").GetInt64(), Chain.FromHex(root.GetProperty("hash").GetString()!),
                                DateTimeOffset.Parse(root.GetProperty("signedAt").GetString()!, CultureInfo.InvariantCulture), root.GetProperty("keyId").GetString()!,
                                Convert.FromBase64String(root.GetProperty("signature").GetString()!));
                            checkpoints++;
                            if (!publicKeys.TryGetValue(checkpoint.KeyId, out var key)) return Fail(checkpoint.Sequence, $"checkpoint signed by unknown key {checkpoint.KeyId}");
                            if (!checkpoint.VerifyWith(key)) return Fail(checkpoint.Sequence, "bad signature on checkpoint");
                            if (last != checkpoint.Sequence || running is null || !checkpoint.Hash.AsSpan().SequenceEqual(running))
                                return Fail(checkpoint.Sequence, "checkpoint does not sign the hash the chain reaches");
                            unanchored.Clear();
                            break;
                        }
                        default:
                            return Fail(null, $"unknown line kind '{kind}'");
                    }
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    return Fail(null, $"malformed {kind} line: {e.Message}");
                }
            }
        }

        if (!sawHeader) return Fail(null, "empty export");
        if (unanchored.Count > 0) return Fail(unanchored[0], $"entry {unanchored[0]} is not covered by a signed checkpoint");
        if (entries == 0) return Fail(null, "the export holds no entries");
        return new ExportVerification(true, entries, links, checkpoints, null);
    }

    /// <summary>Public keys from PEM text (one or more "PUBLIC KEY" blocks), by key id.</summary>
    public static Dictionary<string, ECDsa> KeysFromPem(string pem)
    {
        var keys = new Dictionary<string, ECDsa>();
        const string begin = "-----BEGIN PUBLIC KEY-----", end = "-----END PUBLIC KEY-----";
        for (var at = pem.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = pem.IndexOf(begin, at + 1, StringComparison.Ordinal))
        {
            var stop = pem.IndexOf(end, at, StringComparison.Ordinal);
            if (stop < 0) break;
            var key = ECDsa.Create();
            key.ImportFromPem(pem.AsSpan(at, stop + end.Length - at));
            keys[KeyIds.Of(key)] = key;
        }
        return keys;
    }
}
