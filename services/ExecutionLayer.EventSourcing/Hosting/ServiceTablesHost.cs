using ExecutionLayer.EventSourcing.Schema;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>
/// Creates a service's own tables (read models, indexes) in the "starting" phase, after the store's
/// migration (registered earlier) and before any subscription or consumer runs. The SQL must be
/// idempotent (IF NOT EXISTS), since every instance runs it at every start.
/// </summary>
internal sealed class ServiceTablesHost(EventStore store, Func<string, string> createSql) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) =>
        SchemaMigrator.ExecuteLockedAsync(store.DataSource, store.Schema, createSql(store.Schema.Value), cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
