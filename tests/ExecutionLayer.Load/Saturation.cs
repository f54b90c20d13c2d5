using System.Diagnostics;
using ExecutionLayer.Store;
using ExecutionLayer.Store.Types;
using Marten;
using ExecutionLayer.Harness;
using ExecutionLayer.Load.Workload;
using Npgsql;

namespace ExecutionLayer.Load;

/// <summary>
/// The ceilings, measured in the same run on the same servers: intake batches posted through the gateway
/// as fast as eight clients can (the end-to-end figure, counted when the ledger holds them too), against
/// the event store's own appends of the same batches with no HTTP, no gateway and no bus.
/// </summary>
public static class Saturation
{
    private const int Clients = 8;

    /// <param name="Profile">Where the time went from the first post until the ledger held them all, when asked for.</param>
    public sealed record Figures(double GatewayEventsPerSecond, double LedgerEventsPerSecond, double RawStoreEventsPerSecond, string? Profile = null);

    public static async Task<Figures> MeasureAsync(RunningSystem system, LoadRun run, TimeSpan window, CancellationToken ct, bool profile = false)
    {
        await using var db = NpgsqlDataSource.Create(system.Database.AdminConnectionString);
        await using var profiling = profile ? Profile.Start(system) : null;
        var ledgerBefore = await CountAsync(db, "SELECT count(*) FROM audit.ledger WHERE source = 'exceptions'", ct);
        var events = new PlantEvents($"{run.Run}s");
        var posted = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (var n = client; clock.Elapsed < window; n += Clients)
            {
                // Ten orders' slices a post (about 55 events), as an ERP's interface batches them.
                var batch = Enumerable.Range(0, 10).SelectMany(k => events.OrderSlice(n * 10 + k, PlantSites.All[n % 3], new Random(n * 10 + k), DateTimeOffset.UtcNow)).ToList();
                var answer = await run.Floor.Erp.Api.Events.PostAsync(batch, cancellationToken: ct);
                Interlocked.Add(ref posted, answer!.Accepted!.Value);
            }
        }));
        var gateway = posted / clock.Elapsed.TotalSeconds;
        while (await CountAsync(db, "SELECT count(*) FROM audit.ledger WHERE source = 'exceptions'", ct) - ledgerBefore < posted && clock.Elapsed < window * 10)
            await Task.Delay(100, ct);
        var ledger = posted / clock.Elapsed.TotalSeconds;
        var whereTheTimeWent = profiling is null ? null : await profiling.StopAsync();

        using var store = DocumentStore.For(options =>
        {
            options.Connection(db);
            StoreConfiguration.Apply(options, "load_raw_limit", new EventTypes().Stream("raw", "raw-").Register<RawEvent>("load.raw"));
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var appended = 0L;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (var n = client; clock.Elapsed < window; n += Clients)
            {
                var batch = Enumerable.Range(0, 55).Select(i => new RawEvent(n, i, new string('x', 300))).ToArray();
                await using var session = store.LightweightSession();
                session.Events.StartStream($"raw-{client}-{n}", batch);
                await session.SaveChangesAsync(ct);
                Interlocked.Add(ref appended, batch.Length);
            }
        }));
        return new Figures(gateway, ledger, appended / clock.Elapsed.TotalSeconds, whereTheTimeWent);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed record RawEvent(int Batch, int Index, string Payload);
}
