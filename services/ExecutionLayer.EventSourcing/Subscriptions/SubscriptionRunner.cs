using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Subscriptions;

/// <summary>
/// Follows the committed log in batches and records progress in the same transaction as the batch's
/// work. One instance across all processes runs a given subscription: it holds a session advisory lock
/// on the connection it works on, so losing the connection also releases the lock to a standby.
/// A failure in the subscriber's own code stops it (Faulted, visible in health and metrics) rather
/// than skip the event; database hiccups are retried.
/// </summary>
public abstract class SubscriptionRunner : BackgroundService
{
    private readonly EventStore _store;
    private readonly LogReader _reader;
    private readonly CheckpointStore _checkpoints;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile bool _rebuildRequested;

    protected SubscriptionRunner(EventStore store, string name, SubscriptionOptions options, ILogger logger)
    {
        _store = store;
        _reader = new LogReader(store);
        _checkpoints = new CheckpointStore(store.Schema);
        Name = name;
        Options = options;
        Logger = logger;
        store.Committed += Wake;
    }

    public string Name { get; }
    public SubscriptionState State { get; private set; } = SubscriptionState.Starting;
    public string? Error { get; private set; }

    /// <summary>Failures retried so far (broker or database unavailable); the latest one's text.</summary>
    public int TransientFailures { get; private set; }
    public string? LastTransientError { get; private set; }
    public LogPosition Position { get; private set; }
    /// <summary>Events committed past the checkpoint but not yet readable, measured when idle (paused behind an open transaction).</summary>
    public long Lag { get; private set; }
    protected SubscriptionOptions Options { get; }
    protected ILogger Logger { get; }

    /// <summary>Does the batch's work inside <paramref name="tx"/> and returns the new publication sequence.</summary>
    protected abstract Task<long> ProcessAsync(IReadOnlyList<RecordedEvent> batch, Checkpoint checkpoint, NpgsqlTransaction tx, CancellationToken ct);

    /// <summary>Clears what the subscription built, for a rebuild from the start of the log.</summary>
    protected virtual Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Database trouble is worth retrying; anything else is a bug to stop on.</summary>
    protected virtual bool IsTransient(Exception e) => e is NpgsqlException { IsTransient: true } or TimeoutException;

    /// <summary>Resets to the start of the log on the instance that holds the subscription; appends may continue meanwhile.</summary>
    public void RequestRebuild()
    {
        _rebuildRequested = true;
        Wake();
    }

    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SubscriptionMetrics.Track(this);
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            if (State != SubscriptionState.Faulted) State = SubscriptionState.Stopped;
            _store.Committed -= Wake;
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
                if (!await TryLockAsync(connection, ct))
                {
                    State = SubscriptionState.Standby;
                    await Task.Delay(Options.StandbyRetry, ct);
                    continue;
                }
                State = SubscriptionState.Active;
                Logger.LogInformation("Subscription {Subscription} is active on this instance", Name);
                try
                {
                    await FollowAsync(connection, ct);
                }
                finally
                {
                    await UnlockAsync(connection);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsTransient(e))
            {
                TransientFailures++;
                LastTransientError = $"{e.GetType().Name}: {e.Message}";
                Logger.LogWarning(e, "Subscription {Subscription} hit a transient failure; retrying", Name);
                await Task.Delay(Options.TransientRetry, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                // Recorded before the state flips, so whoever sees "faulted" also finds the error in the checkpoint row.
                var error = $"{e.GetType().Name}: {e.Message}";
                Logger.LogError(e, "Subscription {Subscription} stopped at {Position}: it does not skip the failing event", Name, Position);
                try { await _checkpoints.RecordErrorAsync(_store.DataSource, Name, error, CancellationToken.None); }
                catch (NpgsqlException recordFailure) { Logger.LogError(recordFailure, "Could not record the failure of {Subscription}", Name); }
                Error = error;
                State = SubscriptionState.Faulted;
                return;
            }
        }
    }

    private async Task FollowAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await _checkpoints.EnsureAsync(connection, Name, ct);
        while (!ct.IsCancellationRequested)
        {
            if (_rebuildRequested) await RebuildAsync(connection, ct);

            var processed = await ProcessNextBatchAsync(connection, ct);
            if (processed > 0) continue;

            Lag = await _reader.CountBehindAsync(connection, Position, ct);
            await _wake.WaitAsync(Options.PollInterval, ct);
        }
    }

    /// <summary>
    /// A batch's writes and its checkpoint are derived from the log and commit together, so a crash can
    /// only lose both at once — and the batch is then simply applied again. Waiting for the WAL flush
    /// on every batch buys nothing; it halves catch-up speed. (The log itself is always flushed.)
    /// </summary>
    private const string RelaxDurability = "SET LOCAL synchronous_commit = off";

    private async Task<int> ProcessNextBatchAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!Options.AppendsEvents)
        {
            await using var relax = new NpgsqlCommand(RelaxDurability, connection, tx);
            await relax.ExecuteNonQueryAsync(ct);
        }
        var checkpoint = await _checkpoints.LoadAsync(connection, tx, Name, ct);
        Position = checkpoint.Position;
        var batch = await _reader.ReadAfterAsync(connection, tx, checkpoint.Position, Options.BatchSize, ct);
        if (batch.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        var sequence = await ProcessAsync(batch, checkpoint, tx, ct);
        var next = checkpoint with { Position = LogPosition.After(batch[^1]), Sequence = sequence };
        await _checkpoints.SaveAsync(connection, tx, next, ct);
        await tx.CommitAsync(ct);
        Position = next.Position;
        return batch.Count;
    }

    private async Task RebuildAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        _rebuildRequested = false;
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ResetAsync(tx, ct);
        await _checkpoints.SaveAsync(connection, tx, new Checkpoint(Name, LogPosition.Start, 0), ct);
        await tx.CommitAsync(ct);
        Position = LogPosition.Start;
        Logger.LogInformation("Subscription {Subscription} reset for a rebuild; replaying from the start of the log", Name);
    }

    private string LockKey => $"el-subscription:{_store.Schema}:{Name}";

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockKey });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// A session lock belongs to the physical connection, and a pooled connection is only reset when it
    /// is next handed out — so without this, a stopped or faulted runner would keep every standby
    /// waiting. If the connection is broken, the server ended the session and the lock with it.
    /// </summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockKey });
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            Logger.LogDebug(e, "Could not release the lock of {Subscription}; its session is gone", Name);
        }
    }

    public override void Dispose()
    {
        SubscriptionMetrics.Untrack(this);
        _store.Committed -= Wake;
        _wake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
