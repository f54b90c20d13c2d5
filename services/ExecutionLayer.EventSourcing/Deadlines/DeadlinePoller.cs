using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing.Deadlines;

/// <summary>
/// Fires due deadlines, each once: the row is claimed with FOR UPDATE SKIP LOCKED (so any number of
/// instances poll safely) and marked fired in the handler's own transaction. "Now" is the injected
/// TimeProvider's, so tests move the clock; the polling rhythm is real time.
/// </summary>
public sealed class DeadlinePoller(
    EventStore store, IEnumerable<IDeadlineHandler> handlers, DeadlineOptions options, ILogger<DeadlinePoller> logger) : BackgroundService
{
    private readonly Dictionary<string, IDeadlineHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    private readonly string _claim = $"""
        SELECT deadline_id, stream_id, kind, payload::text, due_at, attempts FROM {store.Schema}.deadlines
        WHERE fired_at IS NULL AND cancelled_at IS NULL AND next_attempt_at <= $1
        ORDER BY next_attempt_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>Fires everything due at the clock's current time; returns how many fired.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var fired = 0;
        while (!ct.IsCancellationRequested && await FireOneAsync(ct)) fired++;
        return fired;
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

    /// <returns>False when nothing was due (or the one due could not be handled and was rescheduled).</returns>
    private async Task<bool> FireOneAsync(CancellationToken ct)
    {
        var now = store.Clock.GetUtcNow();
        Deadline deadline;
        await using var uow = await store.BeginAsync(ct);
        await using (var claim = uow.CreateCommand(_claim))
        {
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return false;
            deadline = DeadlineStore.Read(reader);
        }

        try
        {
            if (!_handlers.TryGetValue(deadline.Kind, out var handler))
                throw new InvalidOperationException($"No handler is registered for deadline kind '{deadline.Kind}'.");
            await handler.HandleAsync(deadline, uow, ct);
            await using var mark = uow.CreateCommand($"UPDATE {store.Schema}.deadlines SET fired_at = $2, attempts = attempts + 1 WHERE deadline_id = $1");
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deadline.DeadlineId });
            mark.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await mark.ExecuteNonQueryAsync(ct);
            await uow.CommitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await uow.DisposeAsync();
            await RescheduleAfterFailureAsync(deadline, now, e, ct);
            return true;
        }
    }

    private async Task RescheduleAfterFailureAsync(Deadline deadline, DateTimeOffset now, Exception error, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, deadline.Attempts + 1), options.MaxRetryDelay.TotalSeconds));
        logger.LogError(error, "Deadline {Kind} for {Stream} failed (attempt {Attempt}); retrying in {Delay}", deadline.Kind, deadline.StreamId, deadline.Attempts + 1, delay);
        await using var command = store.DataSource.CreateCommand($"""
            UPDATE {store.Schema}.deadlines SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
            WHERE deadline_id = $1 AND fired_at IS NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deadline.DeadlineId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{error.GetType().Name}: {error.Message}" });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (now + delay).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }
}
