using System.Security.Cryptography;
using ExecutionLayer.Audit.Ledger;

namespace ExecutionLayer.Audit.Tests;

/// <summary>The offline check on an export built in memory: a chain of ten, entries 3 and 7 exported, checkpoint at 10.</summary>
public sealed class ExportVerifierTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly List<string> _export;

    public ExportVerifierTests()
    {
        var entries = Enumerable.Range(1, 10).Select(i => Feed.Entry(i)).ToList();
        var hashes = new List<byte[]> { Chain.Genesis };
        foreach (var e in entries) hashes.Add(Chain.Next(hashes[^1], e.Digest()));
        _export = [ExportFormat.Header(Feed.Monday, "test")];
        for (var i = 3; i <= 10; i++)
            _export.Add(i is 3 or 7 ? ExportFormat.Entry(entries[i - 1], hashes[i - 1], hashes[i]) : ExportFormat.Link(i, hashes[i - 1], entries[i - 1].Digest(), hashes[i]));
        _export.Add(ExportFormat.Checkpoint(SignedCheckpoint.Sign(10, hashes[10], Feed.Monday.AddHours(1), _key)));
    }

    private Dictionary<string, ECDsa> Keys => new() { [KeyIds.Of(_key)] = _key };

    [Fact]
    public void An_untouched_export_verifies()
    {
        var result = ExportVerifier.Verify(_export, Keys);
        Assert.True(result.Ok, result.Problem?.Reason);
        Assert.Equal((2, 6, 1), (result.Entries, result.Links, result.Checkpoints));
    }

    [Fact]
    public void Changing_one_byte_of_an_entry_fails_at_that_entry()
    {
        _export[5] = _export[5].Replace("\"amount\":18000", "\"amount\":19000", StringComparison.Ordinal);
        var result = ExportVerifier.Verify(_export, Keys);
        Assert.False(result.Ok);
        Assert.Equal(7, result.Problem!.Sequence);
        Assert.Contains("hash mismatch", result.Problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropping_a_link_breaks_the_chain_to_the_checkpoint()
    {
        _export.RemoveAt(4);
        var result = ExportVerifier.Verify(_export, Keys);
        Assert.False(result.Ok);
        Assert.Contains("not covered by a signed checkpoint", result.Problem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_does_not_count()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var result = ExportVerifier.Verify(_export, new Dictionary<string, ECDsa> { [KeyIds.Of(other)] = other });
        Assert.False(result.Ok);
        Assert.Contains("unknown key", result.Problem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_export_whose_tail_is_cut_before_the_checkpoint_fails()
    {
        _export.RemoveAt(_export.Count - 1);
        Assert.False(ExportVerifier.Verify(_export, Keys).Ok);
    }

    public void Dispose() => _key.Dispose();
}
