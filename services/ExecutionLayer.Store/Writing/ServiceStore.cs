using ExecutionLayer.Store.Decisions;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace ExecutionLayer.Store.Writing;

/// <summary>
/// A service's event store as its handlers use it: transactions to write in, aggregates to read now or as
/// of a version or a time, and the schema, pool and domain clock its own SQL and decisions need.
/// </summary>
public sealed class ServiceStore(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public IDocumentStore Documents { get; } = store;

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public TimeProvider Clock { get; } = clock;

    /// <summary>The service's schema, for its own SQL.</summary>
    public string Schema { get; } = store.Options.DatabaseSchemaName;

    public Task<StoreTransaction> BeginAsync(CancellationToken ct) => StoreTransaction.BeginAsync(Documents, DataSource, Clock, ct);

    /// <summary>The aggregate as it is now.</summary>
    public Task<Loaded<T>> LoadAsync<T>(string streamKey, CancellationToken ct) where T : class, IAggregate<T> => LoadAsOfAsync<T>(streamKey, null, null, ct);

    /// <summary>The aggregate as it was at a version, or as it was recorded at a time (whichever is given; both bound it).</summary>
    public async Task<Loaded<T>> LoadAsOfAsync<T>(string streamKey, long? version, DateTimeOffset? recordedAt, CancellationToken ct)
        where T : class, IAggregate<T>
    {
        return Loaded<T>.Of(await ReadStreamAsync(streamKey, version, recordedAt, ct));
    }

    /// <summary>A stream's events in order, upcast to their current types, up to a version or a recording time.</summary>
    public async Task<IReadOnlyList<IEvent>> ReadStreamAsync(string streamKey, long? toVersion, DateTimeOffset? recordedAt, CancellationToken ct)
    {
        await using var session = Documents.QuerySession();
        return await session.Events.FetchStreamAsync(streamKey, toVersion ?? 0, recordedAt, token: ct);
    }
}

/// <summary>An aggregate read at a version (0: the stream does not exist, the state is Initial).</summary>
public sealed record Loaded<T>(T State, long Version) where T : class, IAggregate<T>
{
    /// <summary>The aggregate folded from a stream's events, read in order.</summary>
    public static Loaded<T> Of(IReadOnlyList<IEvent> events) =>
        new(events.Aggregate(T.Initial, (s, e) => s.Evolve(e.Data)), events.Count == 0 ? 0 : events[^1].Version);

    public bool Exists => Version > 0;
}
