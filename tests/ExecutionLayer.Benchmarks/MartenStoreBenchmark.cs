using ExecutionLayer.Store;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The services' event store — Marten, built by <see cref="StoreConfiguration"/> as every service builds
/// it — against plain Npgsql on the same database in the same run: single-event appends with an expected
/// version (Marten's own optimistic append, and the services' write path: a transaction, the stream's turn,
/// fetch for writing, decide) vs single-row INSERT commits; 100-event batches vs multi-row INSERTs; and a
/// subscription catching up from zero in the async daemon vs a sequential SELECT of the events table.
/// </summary>
internal sealed class MartenStoreBenchmark(string connectionString, NpgsqlDataSource dataSource, int writers, int singlePerWriter, int batchesPerWriter)
{
    private const int BatchSize = 100;
    private const int DecideStreamLength = 10;
    private const string Schema = "bench_marten";
    private DocumentStore _store = null!;

    public async Task<IReadOnlyList<Comparison>> RunAsync(int rounds)
    {
        using var store = _store = Build(new Counted());
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await ExecuteAsync($"""
            DROP TABLE IF EXISTS {Schema}.raw_events;
            CREATE TABLE {Schema}.raw_events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL,
                event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
            """);

        // Warm every path (connections, prepared statements, JIT) before timing anything.
        await RawSingleAsync(2, 50);
        await MartenSingleAsync(2, 50);
        await DecideAsync(2, 50);

        // Rounds alternate raw and Marten so drift in the machine's speed hits both sides alike.
        var single = new Comparison("single-event append, Marten's expected version, vs single-row INSERT commit", 0.7);
        var decide = new Comparison($"single-event decide as the services write (tx, turn, fetch, append; streams of {DecideStreamLength}) vs INSERT", 0.7);
        var batch = new Comparison("100-event batch append vs multi-row INSERT of 100 rows", 0.5);
        var catchUp = new Comparison("subscription catch-up from zero (async daemon) vs sequential SELECT", 0.5);
        for (var round = 0; round < rounds; round++)
        {
            single.Add(await RawSingleAsync(writers, singlePerWriter), await MartenSingleAsync(writers, singlePerWriter));
            decide.Add(await RawSingleAsync(writers, singlePerWriter), await DecideAsync(writers, singlePerWriter));
            batch.Add(await RawBatchAsync(), await MartenBatchAsync());
        }
        await ExecuteAsync($"VACUUM ANALYZE {Schema}.mt_events");
        for (var round = 0; round < rounds; round++)
            catchUp.Add(await RawScanAsync(), await CatchUpAsync());
        return [single, decide, batch, catchUp];
    }

    private Task<Figure> RawSingleAsync(int writerCount, int perWriter) =>
        Measure.RunAsync("single-row INSERT commit", (long)writerCount * perWriter, () => Measure.ConcurrentlyAsync(writerCount, async w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var command = dataSource.CreateCommand($"INSERT INTO {Schema}.raw_events (stream_id, event_id, event_type, data) VALUES ($1, $2, $3, $4)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"raw-{w}" });
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "mes.machine-state-changed" });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.Text.Json.JsonSerializer.Serialize(BenchEvents.Sample(i), EventJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
            }
        }));

    /// <summary>Marten's expected version is the stream's version after the append.</summary>
    private Task<Figure> MartenSingleAsync(int writerCount, int perWriter) =>
        Measure.RunAsync("single-event append (expected version)", (long)writerCount * perWriter, () => Measure.ConcurrentlyAsync(writerCount, async w =>
        {
            var stream = $"work-center-single-{w}-{Guid.NewGuid():N}";
            for (var i = 0; i < perWriter; i++)
            {
                await using var session = _store.LightweightSession();
                if (i == 0) session.Events.StartStream<WorkCenterLog>(stream, BenchEvents.Sample(i));
                else session.Events.Append(stream, i + 1, BenchEvents.Sample(i));
                await session.SaveChangesAsync();
            }
        }));

    private Task<Figure> DecideAsync(int writerCount, int perWriter) =>
        Measure.RunAsync("single-event decide (services' path)", (long)writerCount * perWriter, () => Measure.ConcurrentlyAsync(writerCount, async w =>
        {
            var stream = "";
            for (var i = 0; i < perWriter; i++)
            {
                // Streams as long as an action's or an approval's life: the decision folds the stream it writes to.
                if (i % DecideStreamLength == 0) stream = $"work-center-decide-{w}-{Guid.NewGuid():N}";
                var sample = BenchEvents.Sample(i);
                await using var tx = await StoreTransaction.BeginAsync(_store, dataSource, TimeProvider.System, CancellationToken.None);
                await tx.DecideAsync<WorkCenterLog, MachineStateChanged>(stream, i % DecideStreamLength, _ => [sample], _ => Provenance.None, CancellationToken.None);
                await tx.CommitAsync(CancellationToken.None);
            }
        }));

    private Task<Figure> RawBatchAsync() =>
        Measure.RunAsync("multi-row INSERT (100 rows)", (long)writers * batchesPerWriter * BatchSize, () => Measure.ConcurrentlyAsync(writers, async w =>
        {
            for (var b = 0; b < batchesPerWriter; b++)
            {
                var ids = new Guid[BatchSize];
                var data = new string[BatchSize];
                for (var i = 0; i < BatchSize; i++)
                {
                    ids[i] = Guid.CreateVersion7();
                    data[i] = System.Text.Json.JsonSerializer.Serialize(BenchEvents.Sample(i), EventJson.Options);
                }
                await using var command = dataSource.CreateCommand(
                    $"INSERT INTO {Schema}.raw_events (stream_id, event_id, event_type, data) SELECT $1, id, $3, d FROM unnest($2::uuid[], $4::jsonb[]) AS t(id, d)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"raw-batch-{w}" });
                command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "mes.machine-state-changed" });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
            }
        }));

    private Task<Figure> MartenBatchAsync() =>
        Measure.RunAsync("100-event batch append", (long)writers * batchesPerWriter * BatchSize, () => Measure.ConcurrentlyAsync(writers, async w =>
        {
            var stream = $"work-center-batch-{w}-{Guid.NewGuid():N}";
            for (var b = 0; b < batchesPerWriter; b++)
            {
                var events = Enumerable.Range(0, BatchSize).Select(i => (object)BenchEvents.Sample(i)).ToArray();
                await using var session = _store.LightweightSession();
                if (b == 0) session.Events.StartStream<WorkCenterLog>(stream, events);
                else session.Events.Append(stream, (long)(b + 1) * BatchSize, events);
                await session.SaveChangesAsync();
            }
        }));

    /// <summary>The raw side reads the columns a subscription page is built from, in the same order, so the ratio shows only the daemon's costs.</summary>
    private async Task<Figure> RawScanAsync()
    {
        var count = await CountAsync($"SELECT count(*) FROM {Schema}.mt_events");
        return await Measure.RunAsync("sequential SELECT of events", count, async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT seq_id, id, stream_id, version, type, data, headers, timestamp FROM {Schema}.mt_events ORDER BY seq_id");
            await using var reader = await command.ExecuteReaderAsync();
            long read = 0;
            while (await reader.ReadAsync())
            {
                _ = reader.GetString(4);
                _ = reader.GetString(5);
                read++;
            }
            if (read != count) throw new InvalidOperationException("scan count mismatch");
        });
    }

    /// <summary>A store and daemon of their own each round (built before the clock starts), so every round starts from nothing.</summary>
    private async Task<Figure> CatchUpAsync()
    {
        var count = await CountAsync($"SELECT count(*) FROM {Schema}.mt_events");
        await ExecuteAsync($"DELETE FROM {Schema}.mt_event_progression WHERE name LIKE '{Counted.SubscriptionName}:%'");
        var counted = new Counted();
        using var store = Build(counted);
        using var daemon = await store.BuildProjectionDaemonAsync();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        return await Measure.RunAsync("subscription catch-up from zero", count, async () =>
        {
            await daemon.StartAllAsync();
            while (counted.Count < count)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the subscription reached {counted.Count} of {count} events in 5 minutes");
                await Task.Delay(5);
            }
            await daemon.StopAllAsync();
        });
    }

    private DocumentStore Build(Counted counted) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        StoreConfiguration.Apply(options, Schema, new EventTypes().Register<MachineStateChanged>("mes.machine-state-changed").Stream<WorkCenterLog>("work-center-"));
        // Pages as large as the outbox's (EventOutboxRegistration).
        options.Events.Subscribe(counted, subscription => subscription.Options.BatchSize = 256);
    });

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>A work center's log of machine states: the aggregate the benchmark's streams are of.</summary>
    private sealed record WorkCenterLog(int Changes) : IAggregate<WorkCenterLog, MachineStateChanged>
    {
        public static string StreamType => "work-center";

        public static WorkCenterLog Initial { get; } = new(0);

        public WorkCenterLog Apply(MachineStateChanged @event) => new(Changes + 1);
    }

    /// <summary>Counts what the daemon hands it, touching each event's data as a real subscription would.</summary>
    private sealed class Counted : SubscriptionBase
    {
        public const string SubscriptionName = "bench-counted";

        private long _count;

        public Counted() => Name = SubscriptionName;

        public long Count => Interlocked.Read(ref _count);

        public override Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
        {
            var seen = page.Events.Count(e => e.Data is MachineStateChanged);
            Interlocked.Add(ref _count, seen);
            return Task.FromResult(NullChangeListener.Instance);
        }
    }
}
