using Npgsql;
using Xunit;

namespace ExecutionLayer.Testing;

/// <summary>A PostgreSQL database of its own for one test class, dropped afterwards.</summary>
public sealed class FreshDatabase : IAsyncLifetime
{
    public string Name { get; } = $"el_test_{Guid.NewGuid():N}"[..32];

    /// <summary>As the application role (not a superuser), as services connect.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>As the superuser, for tests that play an attacker or an operator.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var app = new NpgsqlConnectionStringBuilder(TestInfrastructure.Postgres);
        try
        {
            await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\" OWNER \"{app.Username}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw TestInfrastructure.Unreachable("PostgreSQL", $"{app.Host}:{app.Port}", e);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(TestInfrastructure.Postgres) { Database = Name }.ConnectionString;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresAdmin) { Database = Name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The first column of every row a query returns, as text.</summary>
    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
