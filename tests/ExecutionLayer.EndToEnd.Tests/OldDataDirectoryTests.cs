using ExecutionLayer.Harness;
using ExecutionLayer.Testing;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// A developer who ran the system before the event store moved to Marten still has the old store's
/// tables in their data directory. infra/run.sh must stop and say what to do, not start a system that
/// looks empty beside read models that are not.
/// </summary>
public sealed class OldDataDirectoryTests(FreshDatabase database) : IClassFixture<FreshDatabase>
{
    [Fact]
    public async Task A_database_the_store_before_Marten_wrote_stops_the_start_with_what_to_do_instead()
    {
        Assert.Equal((0, ""), await CheckStoreAsync());

        // What the old store left in each service's schema: its events beside its subscription checkpoints.
        await using (var command = database.DataSource.CreateCommand(
            "CREATE SCHEMA exceptions; CREATE TABLE exceptions.events (position bigint); CREATE TABLE exceptions.checkpoints (name text)"))
            await command.ExecuteNonQueryAsync();

        var (exit, said) = await CheckStoreAsync();
        Assert.Equal(1, exit);
        Assert.Contains("(schemas: exceptions)", said, StringComparison.Ordinal);
        Assert.Contains("infra/postgres.sh fresh-database", said, StringComparison.Ordinal);
        Assert.Contains("EL_DATA_DIR=", said, StringComparison.Ordinal);
    }

    /// <summary>The check infra/run.sh makes before it builds and starts anything, against this test's database.</summary>
    private async Task<(int ExitCode, string Errors)> CheckStoreAsync()
    {
        var run = await InfraScript.RunAsync("postgres.sh", ["check-store"], new Dictionary<string, string> { ["EL_PG_DATABASE"] = database.Name });
        return (run.ExitCode, run.Errors.Trim());
    }
}
