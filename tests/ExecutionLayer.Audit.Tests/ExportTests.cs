using System.Diagnostics;

namespace ExecutionLayer.Audit.Tests;

/// <summary>An auditor takes an export away and checks it with the command-line verifier and the public key alone.</summary>
public sealed class ExportTests(AuditApp app) : IClassFixture<AuditApp>
{
    [Fact]
    public async Task A_correlations_export_verifies_offline_and_fails_after_a_one_byte_change()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        // Two cases interleaved: the export holds case-export's three entries and only digests of the others between them.
        var events = Enumerable.Range(1, 9).Select(i => Feed.Event("export", i, correlationId: i % 3 == 1 ? "case-export" : "case-other")).ToArray();
        await app.FeedAsync(before + 9, events);

        var export = await app.GetTextAsync("/audit/export?correlationId=case-export");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.Contains("\"kind\":\"entry\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("case-other", StringComparison.Ordinal));

        var dir = Directory.CreateTempSubdirectory("el-audit-export-");
        try
        {
            var exportFile = Path.Combine(dir.FullName, "export.ndjson");
            var keysFile = Path.Combine(dir.FullName, "keys.json");
            await File.WriteAllTextAsync(exportFile, export);
            await File.WriteAllTextAsync(keysFile, await app.GetTextAsync("/audit/keys"));

            var (ok, okOutput) = await RunVerifierAsync(exportFile, keysFile);
            Assert.True(ok == 0, okOutput);
            Assert.StartsWith("OK: 3 entries verified", okOutput, StringComparison.Ordinal);

            // One byte: the second entry's source sequence 4 → 5.
            var tampered = export.Replace("\"source\":\"export\",\"sourceEventId\"", "\"source\":\"exporT\",\"sourceEventId\"", StringComparison.Ordinal);
            Assert.Equal(export.Length, tampered.Length);
            Assert.NotEqual(export, tampered);
            await File.WriteAllTextAsync(exportFile, tampered);
            var (failed, failedOutput) = await RunVerifierAsync(exportFile, keysFile);
            Assert.True(failed == 1, failedOutput);
            Assert.Contains("hash mismatch", failedOutput, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_range_export_covers_the_newest_entries_with_a_fresh_signature()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        await app.FeedAsync(before + 2, Feed.Event("fresh", 1), Feed.Event("fresh", 2));
        var export = await app.GetTextAsync($"/audit/export?from={before + 1}&to={before + 2}");
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"\"kind\":\"checkpoint\",\"sequence\":{before + 2}", lines[^1], StringComparison.Ordinal);
        var keys = new Dictionary<string, System.Security.Cryptography.ECDsa> { [Audit.Ledger.KeyIds.Of(app.SigningKey)] = app.SigningKey };
        Assert.True(Audit.Ledger.ExportVerifier.Verify(lines, keys).Ok);
    }

    private static async Task<(int ExitCode, string Output)> RunVerifierAsync(string export, string keys)
    {
        var verifier = Path.Combine(AppContext.BaseDirectory, "el-audit-verify.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { verifier, export, "--keys", keys }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
