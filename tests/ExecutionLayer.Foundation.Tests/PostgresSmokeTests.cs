using ExecutionLayer.Testing;
using Npgsql;

namespace ExecutionLayer.Foundation.Tests;

public sealed class PostgresSmokeTests(FreshDatabase database) : IClassFixture<FreshDatabase>
{
    [Fact]
    public async Task A_fresh_database_is_reachable_as_the_application_role()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT current_user, current_database(), current_setting('server_version_num')::int", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("executionlayer", reader.GetString(0));
        Assert.Equal(database.Name, reader.GetString(1));
        Assert.InRange(reader.GetInt32(2), 150000, 159999);
    }

    [Fact]
    public async Task The_server_bounds_idle_open_transactions_because_subscriptions_wait_for_them()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT setting::int FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'", connection);
        var milliseconds = (int)(await command.ExecuteScalarAsync())!;
        Assert.InRange(milliseconds, 1_000, 300_000);
    }
}
