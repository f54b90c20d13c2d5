using ExecutionLayer.EventSourcing.Subscriptions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Projections;

/// <summary>Runs one async projection: at most one instance at a time across processes, crash-safe, rebuildable.</summary>
public sealed class ProjectionRunner(EventStore store, IProjection projection, SubscriptionOptions options, ILogger<ProjectionRunner> logger)
    : SubscriptionRunner(store, $"projection:{projection.Name}", options, logger)
{
    private long _applied;

    protected override async Task<long> ProcessAsync(IReadOnlyList<RecordedEvent> batch, Checkpoint checkpoint, NpgsqlTransaction tx, CancellationToken ct)
    {
        await projection.ApplyAsync(batch, tx, ct);
        // Progress is worth a log line during catch-up and rebuilds, not for every live batch.
        if ((_applied += batch.Count) % 10_000 < batch.Count)
            Logger.LogInformation("Projection {Projection} has applied {Count} events; at position {Position}", projection.Name, _applied, batch[^1].Position);
        return checkpoint.Sequence;
    }

    protected override Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        _applied = 0;
        return projection.ResetAsync(tx, ct);
    }
}
