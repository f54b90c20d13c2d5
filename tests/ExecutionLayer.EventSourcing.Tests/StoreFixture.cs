using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.EventSourcing.Schema;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.Testing;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Tests;

/// <summary>A migrated store in a database of its own, on the real PostgreSQL.</summary>
public class StoreFixture : IAsyncLifetime
{
    private readonly FreshDatabase _database = new();

    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    public ManualClock Clock { get; } = new(Monday);
    public EventStore Store { get; private set; } = null!;
    public NpgsqlDataSource DataSource => _database.DataSource;
    public string ConnectionString => _database.ConnectionString;

    public EventStore CreateStore(EventStoreOptions? options = null, IEnumerable<IProjection>? inline = null) =>
        new(_database.DataSource, new SchemaName("test"), Overtime.Register(new EventTypeRegistry()), Clock, options, inline);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Store = CreateStore();
        await Store.MigrateAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
