using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Audit.Signing;
using Npgsql;

namespace ExecutionLayer.Audit.Verifying;

public sealed record VerificationProblem(long Sequence, string Kind, string Detail);

public sealed record Verification(
    bool Ok, long From, long To, long EntriesChecked, int CheckpointsChecked, long? HeadSequence, string? HeadHash, long? LastCheckpoint,
    VerificationProblem? FirstProblem);

/// <summary>
/// Recomputes the chain over a range and checks the signed checkpoints against it. Problems, earliest
/// first: "missing-sequence" (a row deleted), "hash-mismatch" (a row's content no longer gives its
/// hash), "chain-broken" (a row's prevHash is not its predecessor's hash), "bad-signature",
/// "checkpoint-mismatch" (a signed head the chain no longer reaches) and "truncated" (a signed head
/// beyond the last entry).
/// </summary>
internal sealed class ChainVerifier(NpgsqlDataSource db, Checkpoints checkpoints, SigningKeys keys)
{
    public async Task<Verification> VerifyAsync(long from, long? to, CancellationToken ct)
    {
        from = Math.Max(1, from);
        var signed = await checkpoints.RangeAsync(from, to, ct);
        var hashesAt = new Dictionary<long, byte[]>();
        var wanted = signed.Select(c => c.Sequence).ToHashSet();

        VerificationProblem? problem = null;
        byte[]? running = null;
        var expected = from;
        long checkedCount = 0;
        long? head = null;
        byte[]? headHash = null;
        await foreach (var row in LedgerRows.StreamAsync(db, "WHERE sequence >= $1 AND ($2::bigint IS NULL OR sequence <= $2) ORDER BY sequence", ct,
                           new NpgsqlParameter { Value = from }, new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint }))
        {
            var sequence = row.Entry.Sequence;
            // Where the range starts mid-ledger, its first prevHash is taken as stored; the rows before are another range's business.
            running ??= from == 1 ? Chain.Genesis : row.PrevHash;
            checkedCount++;
            if (sequence != expected)
                problem = new(expected, "missing-sequence", $"entry {expected} is missing{(sequence > expected + 1 ? $" (and up to {sequence - 1})" : "")}; the next entry is {sequence}");
            else if (!row.PrevHash.AsSpan().SequenceEqual(running))
                problem = new(sequence, "chain-broken", $"entry {sequence}'s prevHash is not the hash of entry {sequence - 1}");
            else
            {
                var hash = Chain.Next(running, row.Entry.Digest());
                if (!hash.AsSpan().SequenceEqual(row.Hash))
                    problem = new(sequence, "hash-mismatch", $"entry {sequence}'s content does not give its stored hash: it was changed after it was written");
                else if (wanted.Contains(sequence)) hashesAt[sequence] = hash;
                running = hash;
            }
            if (problem is not null) break;
            expected = sequence + 1;
            head = sequence;
            headHash = row.Hash;
        }
        if (problem is not null)
        {
            await using var max = db.CreateCommand($"SELECT sequence, hash FROM {LedgerRows.Table} ORDER BY sequence DESC LIMIT 1");
            await using var reader = await max.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) (head, headHash) = (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
        }

        var checkpointProblem = CheckCheckpoints(signed, hashesAt, head, problem?.Sequence);
        if (problem is null || (checkpointProblem is not null && checkpointProblem.Sequence < problem.Sequence)) problem = checkpointProblem ?? problem;
        return new Verification(problem is null, from, to ?? head ?? from - 1, checkedCount, signed.Count, head, headHash is null ? null : Chain.Hex(headHash),
            signed.Count > 0 ? signed[^1].Sequence : null, problem);
    }

    private VerificationProblem? CheckCheckpoints(List<SignedCheckpoint> signed, Dictionary<long, byte[]> hashesAt, long? head, long? brokenAt)
    {
        foreach (var checkpoint in signed)
        {
            if (!keys.Trusted.TryGetValue(checkpoint.KeyId, out var key) || !checkpoint.VerifyWith(key))
                return new(checkpoint.Sequence, "bad-signature", $"checkpoint {checkpoint.Sequence} does not verify with {(key is null ? "any trusted key" : $"key {checkpoint.KeyId}")}");
            if (head is null || checkpoint.Sequence > head)
                return new(checkpoint.Sequence, "truncated", $"checkpoint {checkpoint.Sequence} signs an entry the ledger no longer has (it ends at {head?.ToString() ?? "nothing"})");
            if (brokenAt is { } broken && checkpoint.Sequence >= broken) continue; // past the first break, nothing further is trustworthy or checked
            if (!hashesAt.TryGetValue(checkpoint.Sequence, out var hash) || !hash.AsSpan().SequenceEqual(checkpoint.Hash))
                return new(checkpoint.Sequence, "checkpoint-mismatch", $"checkpoint {checkpoint.Sequence} signed a head the chain no longer reaches: the entries up to it were rewritten");
        }
        return null;
    }
}
