using System.Collections.Concurrent;
using System.Diagnostics;
using ExecutionLayer.Load.Driving;
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
/// the event store's own appends of the same batches with no HTTP, no gateway and no bus. Beside the
/// ceiling, quality holds are posted and timed until answered (the graph is inline: answered means every
/// descendant blocked); after it, intake at half the ceiling's rate is timed from each post to its events'
/// entries in the ledger.
/// </summary>
public static class Saturation
{
    private const int Clients = 8;

    /// <summary>The intake's events in the ledger (the cases they open are entries too, and are not what was posted).</summary>
    private const string IntakeInLedger = "SELECT count(*) FROM audit.ledger WHERE source = 'exceptions' AND event_type = 'intake.operational-event-received'";

    public const string HoldAtCeiling = "hold posted → descendants blocked (answered), at the ceiling";
    public const string EventToLedger = "ERP event → its ledger entry, at half the ceiling";

    /// <param name="Latencies">The holds at the ceiling and the events at half of it (<see cref="HoldAtCeiling"/>, <see cref="EventToLedger"/>).</param>
    /// <param name="Profile">Where the time went from the first post until the ledger held them all, when asked for.</param>
    public sealed record Figures(double GatewayEventsPerSecond, double LedgerEventsPerSecond, double RawStoreEventsPerSecond, Latencies Latencies, string? Profile = null);

    public static async Task<Figures> MeasureAsync(RunningSystem system, LoadRun run, TimeSpan window, CancellationToken ct, bool profile = false)
    {
        await using var db = NpgsqlDataSource.Create(system.Database.AdminConnectionString);
        await using var profiling = profile ? Profile.Start(system) : null;
        var latencies = new Latencies();
        var (gateway, ledger) = await CeilingAsync(db, run, new PlantEvents($"{run.Run}s"), window, holds: null, ct);
        var whereTheTimeWent = profiling is null ? null : await profiling.StopAsync();
        // The same ceiling again with quality holds posted beside it (its rate is not the ceiling's: each hold opens a case
        // and blocks what its lot reaches, which the plain ceiling does not ask for).
        await CeilingAsync(db, run, new PlantEvents($"{run.Run}q"), window, latencies, ct);
        await ToLedgerAsync(db, run, gateway / 2, window, latencies, ct);

        using var store = DocumentStore.For(options =>
        {
            options.Connection(db);
            StoreConfiguration.Apply(options, "load_raw_limit", new EventTypes().Stream("raw", "raw-").Register<RawEvent>("load.raw"));
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var appended = 0L;
        var clock = Stopwatch.StartNew();
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
        return new Figures(gateway, ledger, appended / clock.Elapsed.TotalSeconds, latencies, whereTheTimeWent);
    }

    /// <summary>
    /// Eight closed-loop clients posting for the window: acknowledged events a second through the gateway, and a second until
    /// the ledger held them all. With <paramref name="holds"/>, a quality system's hold twice a second beside them, each timed.
    /// </summary>
    private static async Task<(double Gateway, double Ledger)> CeilingAsync(
        NpgsqlDataSource db, LoadRun run, PlantEvents events, TimeSpan window, Latencies? holds, CancellationToken ct)
    {
        var ledgerBefore = await CountAsync(db, IntakeInLedger, ct);
        var posted = 0L;
        var clock = Stopwatch.StartNew();
        var quality = holds is null ? Task.CompletedTask : Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < window; n++)
            {
                var hold = events.Hold(1_000_000 + n, PlantSites.All[n % 3], new Random(n), DateTimeOffset.UtcNow);
                var answer = await holds.TimeAsync(HoldAtCeiling, () => run.Floor.Erp.Api.Events.PostAsync(hold, cancellationToken: ct));
                Interlocked.Add(ref posted, answer!.Accepted!.Value);
                await Task.Delay(500, ct);
            }
        }, ct);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (var n = client; clock.Elapsed < window; n += Clients)
            {
                var answer = await run.Floor.Erp.Api.Events.PostAsync(TenSlices(events, n), cancellationToken: ct);
                Interlocked.Add(ref posted, answer!.Accepted!.Value);
            }
        }).Append(quality));
        var gateway = posted / clock.Elapsed.TotalSeconds;
        while (await CountAsync(db, IntakeInLedger, ct) - ledgerBefore < posted && clock.Elapsed < window * 10)
            await Task.Delay(100, ct);
        return (gateway, posted / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Ten orders' slices a post (about 55 events), as an ERP's interface batches them.</summary>
    private static List<ExecutionLayer.Client.Models.OperationalEvent> TenSlices(PlantEvents events, int n) =>
        [.. Enumerable.Range(0, 10).SelectMany(k => events.OrderSlice(n * 10 + k, PlantSites.All[n % 3], new Random(n * 10 + k), DateTimeOffset.UtcNow))];

    /// <summary>
    /// Posts of ten slices paced at <paramref name="eventsPerSecond"/> for the window (each sent on time, however long the one
    /// before takes), then each event's time from its post being sent to its entry's recorded-at in the ledger (same machine,
    /// same clock: the ledger's clock is the wall clock in a load run).
    /// </summary>
    private static async Task ToLedgerAsync(NpgsqlDataSource db, LoadRun run, double eventsPerSecond, TimeSpan window, Latencies latencies, CancellationToken ct)
    {
        var prefix = $"{run.Run}h";
        var events = new PlantEvents(prefix);
        var after = await CountAsync(db, "SELECT coalesce(max(sequence), 0) FROM audit.ledger", ct);
        var sent = new ConcurrentDictionary<int, DateTimeOffset>();
        var accepted = 0L;
        var posts = new List<Task>();
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(55 / Math.Max(eventsPerSecond, 1)));
        var clock = Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < window && await pace.WaitForNextTickAsync(ct); n++)
        {
            var post = n;
            posts.Add(Task.Run(async () =>
            {
                var batch = TenSlices(events, post);
                sent[post] = DateTimeOffset.UtcNow;
                var answer = await run.Floor.Erp.Api.Events.PostAsync(batch, cancellationToken: ct);
                Interlocked.Add(ref accepted, answer!.Accepted!.Value);
            }, ct));
        }
        await Task.WhenAll(posts);

        const string Entries = """
            FROM audit.ledger WHERE sequence > $1 AND source = 'exceptions' AND event_type = 'intake.operational-event-received'
              AND payload::jsonb->>'sourceEventId' LIKE $2
            """;
        var patience = Stopwatch.StartNew();
        while (await CountAsync(db, $"SELECT count(*) {Entries}", ct, after, $"{prefix}-%") < accepted && patience.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(100, ct);
        await using var read = db.CreateCommand($"SELECT payload::jsonb->>'sourceEventId', recorded_at {Entries}");
        read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{prefix}-%" });
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // The event's id is {prefix}-{slice}-{what}; slice n*10+k came in post n.
            var slice = int.Parse(reader.GetString(0)[(prefix.Length + 1)..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (sent.TryGetValue(slice / 10, out var at))
                latencies.Record(EventToLedger, (new DateTimeOffset(reader.GetFieldValue<DateTime>(1)) - at).TotalMilliseconds);
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] args)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed record RawEvent(int Batch, int Index, string Payload);
}
