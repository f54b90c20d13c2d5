using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>Migrates in the "starting" phase, which completes before any hosted service (subscriptions, bus) starts.</summary>
internal sealed class SchemaMigrationHost(EventStore store) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
