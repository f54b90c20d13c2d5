using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Audit.Signing;

/// <summary>
/// Signs the head every <see cref="CheckpointOptions.EveryEntries"/> entries, or after
/// <see cref="CheckpointOptions.EverySeconds"/> with anything unsigned — so at most that much of the
/// tail could be cut off or rewritten without a signature giving it away.
/// </summary>
internal sealed class CheckpointSigner(
    NpgsqlDataSource db, Checkpoints checkpoints, CheckpointSignal signal, AuditOptions options, TimeProvider clock, ILogger<CheckpointSigner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(options.Checkpoints.PollInterval, stoppingToken);
                if (await DueAsync(stoppingToken)) await checkpoints.SignHeadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Could not sign a checkpoint; trying again");
                await Task.Delay(options.Checkpoints.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<bool> DueAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT (SELECT max(sequence) FROM {LedgerRows.Table}), c.sequence, c.signed_at
            FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT sequence, signed_at FROM {AuditSchema.Name}.checkpoints ORDER BY sequence DESC LIMIT 1) c ON true
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.IsDBNull(0)) return false;
        var head = reader.GetInt64(0);
        var signed = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        if (head <= signed) return false;
        if (head - signed >= options.Checkpoints.EveryEntries) return true;
        var since = reader.IsDBNull(2) ? (DateTimeOffset?)null : Sql.TimeAt(reader, 2);
        return since is null || clock.GetUtcNow() - since.Value >= TimeSpan.FromSeconds(options.Checkpoints.EverySeconds);
    }
}
