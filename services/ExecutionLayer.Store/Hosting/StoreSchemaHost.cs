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
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (tables.CreateSql is null) return;
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            turn.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"tables:{schema}" });
            await turn.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand(tables.CreateSql(schema), connection, transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A service's own tables beside its events (indexes, read models), created from SQL given the schema name.</summary>
public sealed record ServiceTables(Func<string, string>? CreateSql);
