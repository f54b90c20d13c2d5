using ExecutionLayer.Store.Writing;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Store.Deadlines;

/// <summary>
/// Fires due deadlines, each once: the row is claimed with FOR UPDATE SKIP LOCKED (so any number of instances
/// poll safely), the handler's session is enlisted in the claiming transaction, and the row is marked fired in
/// it. "Now" is the injected TimeProvider's, so tests move the clock; the polling rhythm is real time.
/// </summary>
public sealed class DeadlinePoller(
    IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock, IEnumerable<IDeadlineHandler> handlers,
    DeadlineOptions options, ILogger<DeadlinePoller> logger) : BackgroundService
{
    private readonly Dictionary<string, IDeadlineHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly string _table = $"{store.Options.DatabaseSchemaName}.{DeadlinesTable.Name}";

    /// <summary>Fires everything due at the clock's current time; returns how many were handled (fired or rescheduled).</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var handled = 0;
        while (!ct.IsCancellationRequested && await FireOneAsync(ct)) handled++;
        return handled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FireDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Deadline polling failed; retrying");
            }
            await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <returns>False when nothing was due.</returns>
    private async Task<bool> FireOneAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await StoreTransaction.BeginAsync(store, dataSource, clock, ct);
        Deadline deadline;
        await using (var claim = new NpgsqlCommand($"""
            SELECT deadline_id, stream_id, kind, payload::text, due_at, attempts FROM {_table}
            WHERE fired_at IS NULL AND cancelled_at IS NULL AND next_attempt_at <= $1
            ORDER BY next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, tx.Connection, tx.Transaction))
        {
            claim.Parameters.Add(Timestamp(now));
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return false;
            deadline = Deadlines.Read(reader);
        }

        try
        {
            if (!_handlers.TryGetValue(deadline.Kind, out var handler))
                throw new InvalidOperationException($"No handler is registered for deadline kind '{deadline.Kind}'.");
            await handler.HandleAsync(deadline, tx, ct);
            tx.Session.QueueSqlCommand($"UPDATE {_table} SET fired_at = ?, attempts = attempts + 1 WHERE deadline_id = ?", now.ToUniversalTime(), deadline.DeadlineId);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The handler's events go with the rolled-back transaction; the claim is released and the retry recorded apart from it.
            await tx.RollbackAsync(ct);
            await RescheduleAfterFailureAsync(tx.Connection, deadline, now, e, ct);
        }
        return true;
    }

    private async Task RescheduleAfterFailureAsync(NpgsqlConnection connection, Deadline deadline, DateTimeOffset now, Exception error, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, deadline.Attempts + 1), options.MaxRetryDelay.TotalSeconds));
        logger.LogError(error, "Deadline {Kind} for {Stream} failed (attempt {Attempt}); retrying in {Delay}", deadline.Kind, deadline.StreamId, deadline.Attempts + 1, delay);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_table} SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
            WHERE deadline_id = $1 AND fired_at IS NULL
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deadline.DeadlineId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{error.GetType().Name}: {error.Message}" });
        command.Parameters.Add(Timestamp(now + delay));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter<DateTime> Timestamp(DateTimeOffset at) => new() { TypedValue = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
