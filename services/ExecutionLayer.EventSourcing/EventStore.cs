using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.EventSourcing.Schema;
using ExecutionLayer.EventSourcing.Types;
using Npgsql;

namespace ExecutionLayer.EventSourcing;

/// <summary>
/// A service's event store: streams with optimistic concurrency in its own PostgreSQL schema. The
/// features are split over partial files (Append, Read, Load, Decide).
/// </summary>
public sealed partial class EventStore
{
    private readonly IReadOnlyList<IProjection> _inlineProjections;

    public EventStore(
        NpgsqlDataSource dataSource,
        SchemaName schema,
        EventTypeRegistry types,
        TimeProvider clock,
        EventStoreOptions? options = null,
        IEnumerable<IProjection>? inlineProjections = null)
    {
        DataSource = dataSource;
        Schema = schema;
        Types = types;
        Clock = clock;
        Options = options ?? new EventStoreOptions();
        _inlineProjections = inlineProjections?.ToArray() ?? [];
        _sql = new AppendSql(schema);
        _deserialize = Deserialize;
    }

    private readonly Func<RecordedEvent, object> _deserialize;

    public NpgsqlDataSource DataSource { get; }
    public SchemaName Schema { get; }
    public EventTypeRegistry Types { get; }
    public TimeProvider Clock { get; }
    public EventStoreOptions Options { get; }

    /// <summary>Raised after an append from this process commits, so local subscriptions need not wait for their next poll.</summary>
    public event Action? Committed;

    internal void OnCommitted() => Committed?.Invoke();

    public Task MigrateAsync(CancellationToken ct = default) => SchemaMigrator.MigrateAsync(DataSource, Schema, ct);

    /// <summary>Starts a unit of work: several appends (several streams) and other writes that commit or roll back together.</summary>
    public async Task<UnitOfWork> BeginAsync(CancellationToken ct = default)
    {
        var connection = await DataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            return new UnitOfWork(this, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
