using ExecutionLayer.Store.Types;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.EventSourcing.Schema;
using ExecutionLayer.EventSourcing.Subscriptions;
using ExecutionLayer.EventSourcing.Types;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// Our store against plain Npgsql on the same database in the same run: single-event appends with
/// optimistic concurrency vs single-row INSERT commits, 100-event batches vs multi-row INSERTs, and a
/// subscription catching up from zero vs a sequential SELECT of the events table.
/// </summary>
internal sealed class EventStoreBenchmark(NpgsqlDataSource dataSource, int writers, int singlePerWriter, int batchesPerWriter)
{
    private const int BatchSize = 100;
    private readonly EventStore _store = new(dataSource, new SchemaName("bench"),
        new EventTypeRegistry().Register<MachineStateChanged>("mes.machine-state-changed"), TimeProvider.System);

    public async Task<IReadOnlyList<Comparison>> RunAsync(int rounds)
    {
        await _store.MigrateAsync();
        await ExecuteAsync("""
            DROP TABLE IF EXISTS bench.raw_events;
            CREATE TABLE bench.raw_events (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL,
                event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
            """);

        // Warm both paths (connections, prepared statements, JIT) before timing anything.
        await RawSingleAsync(2, 50);
        await OursSingleAsync(2, 50);

        // Rounds alternate raw and ours so drift in the machine's speed hits both sides alike.
        var single = new Comparison("single-event append (8 writers, expected version) vs single-row INSERT commit", 0.8);
        var batch = new Comparison("100-event batch append vs multi-row INSERT of 100 rows", 0.5);
        var catchUp = new Comparison("subscription catch-up from zero vs sequential SELECT", 0.5);
        for (var round = 0; round < rounds; round++)
        {
            single.Add(await RawSingleAsync(writers, singlePerWriter), await OursSingleAsync(writers, singlePerWriter));
            batch.Add(await RawBatchAsync(), await OursBatchAsync());
        }
        await ExecuteAsync("VACUUM ANALYZE bench.events");
        await ExecuteAsync("VACUUM ANALYZE bench.raw_events");
        for (var round = 0; round < rounds; round++)
            catchUp.Add(await RawScanAsync(), await CatchUpAsync());
        return [single, batch, catchUp];
    }

    private Task<Figure> RawSingleAsync(int writerCount, int perWriter) =>
        Measure.RunAsync("single-row INSERT commit", (long)writerCount * perWriter, () => Measure.ConcurrentlyAsync(writerCount, async w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var command = dataSource.CreateCommand("INSERT INTO bench.raw_events (stream_id, event_id, event_type, data) VALUES ($1, $2, $3, $4)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"raw-{w}" });
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "mes.machine-state-changed" });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.Text.Json.JsonSerializer.Serialize(BenchEvents.Sample(i), EventJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
            }
        }));

    private Task<Figure> OursSingleAsync(int writerCount, int perWriter) =>
        Measure.RunAsync("single-event append (expected version)", (long)writerCount * perWriter, () => Measure.ConcurrentlyAsync(writerCount, async w =>
        {
            var stream = $"single-{w}-{Guid.NewGuid():N}";
            for (var i = 0; i < perWriter; i++)
            {
                var expected = i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(i);
                await _store.AppendAsync(stream, "work-center", expected, [new NewEvent(BenchEvents.Sample(i))]);
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
                    "INSERT INTO bench.raw_events (stream_id, event_id, event_type, data) SELECT $1, id, $3, d FROM unnest($2::uuid[], $4::jsonb[]) AS t(id, d)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"raw-batch-{w}" });
                command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "mes.machine-state-changed" });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                await command.ExecuteNonQueryAsync();
            }
        }));

    private Task<Figure> OursBatchAsync() =>
        Measure.RunAsync("100-event batch append", (long)writers * batchesPerWriter * BatchSize, () => Measure.ConcurrentlyAsync(writers, async w =>
        {
            var stream = $"batch-{w}-{Guid.NewGuid():N}";
            for (var b = 0; b < batchesPerWriter; b++)
            {
                var events = Enumerable.Range(0, BatchSize).Select(i => new NewEvent(BenchEvents.Sample(i))).ToArray();
                await _store.AppendAsync(stream, "work-center", b == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly((long)b * BatchSize), events);
            }
        }));

    /// <summary>The raw side reads the same columns from the same table, so the ratio shows only our costs (ordering, xmin, deserialising).</summary>
    private async Task<Figure> RawScanAsync()
    {
        var count = await CountAsync("SELECT count(*) FROM bench.events");
        return await Measure.RunAsync("sequential SELECT of events", count, async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT {EventStore.EventColumns} FROM bench.events ORDER BY position");
            await using var reader = await command.ExecuteReaderAsync();
            long read = 0;
            while (await reader.ReadAsync())
            {
                _ = reader.GetString(8);
                _ = reader.GetString(2);
                read++;
            }
            if (read != count) throw new InvalidOperationException("scan count mismatch");
        });
    }

    private async Task<Figure> CatchUpAsync()
    {
        var count = await CountAsync("SELECT count(*) FROM bench.events");
        // The subscription ends at the last event in transaction order, which need not hold the highest position.
        var last = await CountAsync("SELECT position FROM bench.events ORDER BY tx_id DESC, position DESC LIMIT 1");
        await ExecuteAsync("DELETE FROM bench.checkpoints WHERE name = 'projection:bench-noop'");
        using var runner = new ProjectionRunner(_store, new NoopProjection(), new SubscriptionOptions { BatchSize = 1_000 }, NullLogger<ProjectionRunner>.Instance);
        return await Measure.RunAsync("subscription catch-up from zero", count, async () =>
        {
            await runner.StartAsync(CancellationToken.None);
            while (runner.Position.Position != last) await Task.Delay(5);
            await runner.StopAsync(CancellationToken.None);
        });
    }

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

    private sealed class NoopProjection : IProjection
    {
        public string Name => "bench-noop";
        public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct) => Task.CompletedTask;
        public Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct) => Task.CompletedTask;
    }
}
