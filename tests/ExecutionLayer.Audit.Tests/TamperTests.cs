using System.Text.Json;

namespace ExecutionLayer.Audit.Tests;

/// <summary>
/// Someone with the database superuser's power turns the trigger off and edits the ledger. Each test has
/// a ledger of its own: twelve entries, signed at twelve.
/// </summary>
public sealed class TamperTests : IAsyncLifetime
{
    private readonly AuditApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        await _app.FeedAsync(12, Enumerable.Range(1, 12).Select(i => Feed.Event("approvals", i)).ToArray());
        // An export signs the head when no checkpoint covers it yet, so twelve is signed whatever the signer did meanwhile.
        await _app.GetTextAsync("/audit/export?from=1&to=12");
        Assert.Equal(1, await _app.CountAsync("SELECT count(*) FROM audit.checkpoints WHERE sequence = 12"));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private async Task<JsonElement> ProblemAsync()
    {
        var verdict = await _app.VerifyAsync();
        Assert.False(verdict.GetProperty("ok").GetBoolean());
        return verdict.GetProperty("firstProblem");
    }

    [Fact]
    public async Task An_untouched_ledger_verifies()
    {
        var verdict = await _app.VerifyAsync();
        Assert.True(verdict.GetProperty("ok").GetBoolean(), verdict.ToString());
        Assert.Equal(12, verdict.GetProperty("entriesChecked").GetInt64());
        Assert.Equal(12, verdict.GetProperty("lastCheckpoint").GetInt64());
    }

    [Fact]
    public async Task A_row_altered_is_found_at_exactly_that_entry()
    {
        await _app.TamperAsync("UPDATE audit.ledger SET actor = 'dana.director' WHERE sequence = 7");
        var problem = await ProblemAsync();
        Assert.Equal((7L, "hash-mismatch"), (problem.GetProperty("sequence").GetInt64(), problem.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_payload_changed_by_one_byte_is_found_at_exactly_that_entry()
    {
        await _app.TamperAsync("UPDATE audit.ledger SET payload = replace(payload, '18000', '18001') WHERE sequence = 4");
        var problem = await ProblemAsync();
        Assert.Equal((4L, "hash-mismatch"), (problem.GetProperty("sequence").GetInt64(), problem.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_row_deleted_is_found_at_exactly_that_entry()
    {
        await _app.TamperAsync("DELETE FROM audit.ledger WHERE sequence = 5");
        var problem = await ProblemAsync();
        Assert.Equal((5L, "missing-sequence"), (problem.GetProperty("sequence").GetInt64(), problem.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_truncated_tail_is_found_through_the_signed_checkpoint()
    {
        await _app.TamperAsync("DELETE FROM audit.ledger WHERE sequence > 9");
        var problem = await ProblemAsync();
        // The first signed head past the surviving ledger: twelve, or an earlier one the signer made on the way.
        Assert.Equal("truncated", problem.GetProperty("kind").GetString());
        Assert.InRange(problem.GetProperty("sequence").GetInt64(), 10, 12);
        Assert.Equal(9, (await _app.VerifyAsync()).GetProperty("headSequence").GetInt64());
    }

    [Fact]
    public async Task A_tail_rewritten_with_a_recomputed_chain_is_found_through_the_signed_checkpoint()
    {
        // The attacker rewrites entry 10 and recomputes every hash after it, so the chain itself is consistent again.
        await _app.TamperAsync("UPDATE audit.ledger SET actor = 'mallory' WHERE sequence = 10");
        var rows = await Ledger.LedgerRows.QueryAsync(_app.Database.DataSource, "WHERE sequence >= 9 ORDER BY sequence", default);
        var hash = rows[0].Hash;
        foreach (var row in rows.Skip(1))
        {
            var next = Audit.Ledger.Chain.Next(hash, row.Entry.Digest());
            await _app.TamperAsync($"UPDATE audit.ledger SET prev_hash = '\\x{Convert.ToHexStringLower(hash)}', hash = '\\x{Convert.ToHexStringLower(next)}' WHERE sequence = {row.Entry.Sequence}");
            hash = next;
        }

        var problem = await ProblemAsync();
        Assert.Equal("checkpoint-mismatch", problem.GetProperty("kind").GetString());
        Assert.InRange(problem.GetProperty("sequence").GetInt64(), 10, 12);
    }
}
