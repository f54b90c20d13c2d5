using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.ServiceDefaults.Telemetry;
using Marten;
using Marten.Services;
using Npgsql;

namespace ExecutionLayer.Store.Writing;

/// <summary>
/// One transaction over a service's store: appends to several streams, inbox marks, timers and the
/// service's own read-model rows all commit together or not at all. The Marten session is enlisted in
/// <see cref="Transaction"/>, so SQL run on it (an index row, a lookup) sees and joins the session's
/// writes. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public sealed class StoreTransaction : IAsyncDisposable
{
    private bool _committed; // or rolled back: the transaction is over either way
    private bool _recorded; // the session carries a provenance, which Marten stamps on everything it saves from here on

    private StoreTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, IDocumentSession session, TimeProvider clock)
    {
        (Connection, Transaction, Session, Clock) = (connection, transaction, session, clock);
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public IDocumentSession Session { get; }

    /// <summary>The service's domain clock, which stamps when each event occurred.</summary>
    public TimeProvider Clock { get; }

    public static async Task<StoreTransaction> BeginAsync(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            return new StoreTransaction(connection, transaction, store.LightweightSession(SessionOptions.ForTransaction(transaction)), clock);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The one write path for a command on an aggregate: take the stream's turn (a transaction-scoped lock,
    /// so concurrent writers each decide on the state the one before left instead of failing), fold it,
    /// check the caller's expected version, decide, and append in this transaction. A stale expected
    /// version is a <see cref="StreamConflictException"/>; nothing is appended.
    /// </summary>
    /// <param name="expectedVersion">The version the caller decided on (If-Match: the version it read), or null for the current one.</param>
    /// <param name="provenance">Given the state after the decision, so events can carry its site or correlation.</param>
    /// <typeparam name="TEvent">What <paramref name="decide"/> returns: the aggregate's closed event hierarchy.</typeparam>
    public async Task<Decided<T, TEvent>> DecideAsync<T, TEvent>(
        string streamKey, long? expectedVersion, Func<T, IReadOnlyList<TEvent>> decide, Func<T, Provenance> provenance, CancellationToken ct)
        where T : class, IAggregate<T, TEvent>
        where TEvent : class
    {
        await TakeTurnAsync(streamKey, ct);
        var stream = await Session.Events.FetchForWriting<Folded<T>>(streamKey, ct);
        var version = stream.CurrentVersion ?? 0;
        if (expectedVersion is { } expected && expected != version) throw new StreamConflictException(streamKey, expected, version);
        var state = stream.Aggregate?.State ?? T.Initial;
        var events = decide(state);
        if (events.Count == 0) return new Decided<T, TEvent>(state, version, []);

        state = events.Aggregate(state, (s, e) => s.Apply(e));
        Record(provenance(state));
        stream.AppendMany([.. events]);
        // Saved now, not at commit: the next decision in this transaction (another stream, or this one again) reads what this one wrote.
        await Session.SaveChangesAsync(ct);
        return new Decided<T, TEvent>(state, version + events.Count, events);
    }

    /// <summary>
    /// Waits for, then holds until this transaction ends, the turn named <paramref name="key"/>: writers of one
    /// stream, or of anything one key stands for, go one at a time, each seeing what the one before committed.
    /// </summary>
    public async Task TakeTurnAsync(string key, CancellationToken ct)
    {
        await using var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", Connection, Transaction);
        turn.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await turn.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An aggregate as this transaction sees it, including what it appended and has not committed yet.</summary>
    public async Task<Loaded<T>> LoadAsync<T>(string streamKey, CancellationToken ct) where T : class, IAggregate<T>
    {
        var events = await Session.Events.FetchStreamAsync(streamKey, token: ct);
        return Loaded<T>.Of(events);
    }

    /// <summary>Stamps what the session appends next: who and what caused it, the trace it happens in, and when on the domain clock.</summary>
    public void Record(Provenance provenance)
    {
        _recorded = true;
        Session.Record(Completed(provenance));
    }

    /// <summary>
    /// Appends, in one save, events that each carry their own provenance (an intake post: every fact happened
    /// at its own time on the floor, at its own site), each to its stream. Marten stamps a session's provenance
    /// over every event of a save, so this must come before anything in the transaction has called <see cref="Record"/>.
    /// </summary>
    public async Task AppendEachRecordedAsync<T>(IEnumerable<(string Stream, T Data, Guid Id, Provenance Provenance)> events, CancellationToken ct)
        where T : notnull
    {
        if (_recorded) throw new InvalidOperationException("Events that carry their own provenance are appended before the transaction records one for the session.");
        foreach (var e in events) Session.Events.Append(e.Stream, Recorded.With(e.Data, Completed(e.Provenance), e.Id));
        await Session.SaveChangesAsync(ct);
    }

    private Provenance Completed(Provenance provenance) => provenance with
    {
        TraceParent = provenance.TraceParent ?? TraceContext.CurrentParent(),
        OccurredAt = provenance.OccurredAt ?? Clock.GetUtcNow(),
    };

    public async Task CommitAsync(CancellationToken ct)
    {
        await Session.SaveChangesAsync(ct);
        await Transaction.CommitAsync(ct);
        _committed = true;
    }

    /// <summary>Undoes everything so far and ends the transaction; the connection stays open for work outside it (recording a failure).</summary>
    public async Task RollbackAsync(CancellationToken ct)
    {
        await Transaction.RollbackAsync(ct);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            // A broken connection or an already aborted transaction: the server has rolled back anyway.
            try { await Transaction.RollbackAsync(); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { }
        }
        await Session.DisposeAsync();
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

/// <summary>An aggregate after a write, at its version, with what the write added (nothing: the command changed nothing).</summary>
public sealed record Decided<T, TEvent>(T State, long Version, IReadOnlyList<TEvent> Events);

/// <summary>The caller decided on another version of the stream than the one it is at. Maps to 409; nothing was appended.</summary>
public sealed class StreamConflictException(string streamKey, long expected, long actual)
    : Exception(actual == 0
        ? $"Stream '{streamKey}' was expected at version {expected} but does not exist."
        : $"Stream '{streamKey}' was expected at version {expected} but is at version {actual}.")
{
    public string StreamKey { get; } = streamKey;
    public long ActualVersion { get; } = actual;
}
