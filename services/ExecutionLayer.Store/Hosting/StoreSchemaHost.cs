using Marten;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ExecutionLayer.Store.Hosting;

/// <summary>
/// Brings the schema up to date in the "starting" phase, which completes before any hosted service (the
/// async daemon, the bus, the deadline poller) starts: Marten's tables and ours first, then the service's
/// own read-model tables. Every instance runs it at every start, so the service's SQL must be idempotent
/// (IF NOT EXISTS); a lock keyed on the schema makes instances starting together take turns.
/// </summary>
internal sealed class StoreSchemaHost(IDocumentStore store, NpgsqlDataSource dataSource, ServiceTables tables) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        // Instances starting together take turns: Marten's migration run twice at once fails on the second
        // CREATE (measured: a second actions instance exited at start-up). Held for the session, not a
        // transaction, because Marten migrates on connections of its own.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecAsync(connection, "SELECT pg_advisory_lock(hashtextextended($1, 0))", $"schema:{schema}", cancellationToken);
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            if (tables.CreateSql is not null)
                await using (var create = new NpgsqlCommand(tables.CreateSql(schema), connection))
                    await create.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ExecAsync(connection, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", $"schema:{schema}", CancellationToken.None);
        }
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, string key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A service's own tables beside its events (indexes, read models), created from SQL given the schema name.</summary>
public sealed record ServiceTables(Func<string, string>? CreateSql);
