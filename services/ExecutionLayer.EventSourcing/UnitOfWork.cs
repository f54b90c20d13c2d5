using Npgsql;

namespace ExecutionLayer.EventSourcing;

/// <summary>
/// One transaction over the store. Appends to several streams, inbox marks, deadline changes and a
/// service's own read-model writes either all commit or none do. Disposing without commit rolls back.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private readonly EventStore _store;
    private bool _completed;
    private bool _disposed;

    internal UnitOfWork(EventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _store = store;
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public Task<AppendResult> AppendAsync(
        string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events, EventMetadata metadata, CancellationToken ct = default) =>
        _store.AppendInTransactionAsync(Transaction, _store.Prepare(streamId, streamType, events, metadata), expected, ct);

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public async Task CommitAsync(CancellationToken ct = default)
    {
        await Transaction.CommitAsync(ct);
        _completed = true;
        _store.OnCommitted();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_completed)
        {
            // A broken connection or an already aborted transaction: the server has rolled back anyway.
            try { await Transaction.RollbackAsync(); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { }
        }
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
