using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Exceptions;
using ExecutionLayer.Store;
using ExecutionLayer.Store.Writing;
using JasperFx.Events;
using Marten;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Exceptions.ReceivingEvents;
using ExecutionLayer.PlantData;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The exceptions service at plant scale: impact queries over 1M lots / 200k production orders; intake
/// throughput in batches of 100 against the store's own batch append of the same events; and how long a
/// quality hold takes to be propagated while other plants keep posting.
/// </summary>
internal sealed class ExceptionsBenchmark(string connectionString, bool quick)
{
    private const int Clients = 4;
    private const int BackgroundEventsPerSecond = 300;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task RunAsync()
    {
        await ImpactAtPlantScaleAsync();
        await IntakeAndHoldLatencyAsync();
    }

    private async Task ImpactAtPlantScaleAsync()
    {
        var scale = quick ? PlantScale.Plant with { SalesOrdersPerSite = 3_334, RawLotsPerSite = 6_667 } : PlantScale.Plant;
        var watch = Stopwatch.StartNew();
        var plant = PlantGenerator.Generate(scale, seed: 7);
        await using var db = NpgsqlDataSource.Create(connectionString);
        await PlantGraphLoader.LoadAsync(db, "plant", plant);
        Console.WriteLine(string.Create(Invariant,
            $"plant graph: {plant.Lots.Count:N0} lots, {plant.ProductionOrders.Count:N0} production orders, {plant.Shipments.Count:N0} shipments, " +
            $"{plant.Lots.Sum(l => l.FromLots.Count):N0} genealogy links; generated and COPY-loaded in {watch.Elapsed.TotalSeconds:F0} s"));

        var impact = new ImpactQueries("plant");
        var random = new Random(11);
        var workCenters = scale.Sites.SelectMany(site => plant.WorkCenters(site).Select(wc => (site, wc))).ToArray();
        var rawLots = plant.Lots.Where(l => l.ProducedBy is null).ToArray();
        var queries = quick ? 200 : 1_000;
        await TimeAsync(db, 20, _ => Task.CompletedTask); // warm the pool

        var byWorkCenter = await TimeAsync(db, queries, async tx =>
        {
            var (site, wc) = workCenters[random.Next(workCenters.Length)];
            await impact.OfWorkCenterAsync(tx, site, wc, CancellationToken.None);
        });
        var byHold = await TimeAsync(db, queries, async tx =>
        {
            var lots = await impact.LotTreeAsync(tx, rawLots[random.Next(rawLots.Length)].Id, CancellationToken.None);
            await impact.OfLotTreeAsync(tx, lots, CancellationToken.None);
        });
        Report("impact of a work center down (open orders, lots, shipments, customers)", byWorkCenter, 50);
        Report("impact of a hold on a raw lot (genealogy walk, orders, shipments, customers)", byHold, 50);
    }

    private static async Task<List<double>> TimeAsync(NpgsqlDataSource db, int count, Func<NpgsqlTransaction, Task> query)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var watch = Stopwatch.StartNew();
            await query(tx);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private async Task IntakeAndHoldLatencyAsync()
    {
        var scale = new PlantScale(quick ? 60 : 300, 20, 4, quick ? 40 : 200, 0.3, PlantScale.ThreeSites);
        var first = PlantEvents.Of(PlantGenerator.Generate(scale, seed: 1, prefix: "A")).ToArray();
        var holdPlant = PlantGenerator.Generate(scale, seed: 2, prefix: "H");
        var background = PlantEvents.Of(PlantGenerator.Generate(scale, seed: 3, prefix: "B")).ToArray();

        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        await using var factory = Service(connectionString, vhost);
        // The audit service is not part of this run; its queue must exist, as the audit feed is published mandatory.
        await using var audit = await new BusProbe(vhost.Settings).Discard<ExecutionLayer.Contracts.Audit.DomainEventsRecorded>().StartAsync();
        using var client = factory.CreateDefaultClient(new GatewaySigningHandler());
        var store = factory.Services.GetRequiredService<ServiceStore>();

        // Intake: batches of 100 from 4 clients, each answered only once durably stored.
        var batches = first.Chunk(100).ToArray();
        using var graph = new GraphTime();
        var intake = await Measure.RunAsync("intake", first.Length, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var b = c; b < batches.Length; b += Clients) await PostAsync(client, batches[b]);
        }));
        var raw = await RawAppendAsync(store.DataSource, first);
        Console.WriteLine(string.Create(Invariant,
            $"{"intake POST /events, batches of 100, 4 clients (parse, validate, dedupe, store)",-82} {intake.PerSecond,10:N0} ev/s; store's batch append of the same events {raw.PerSecond,10:N0} ev/s; ratio {intake.PerSecond / raw.PerSecond:F2}"));

        // The graph and detection are inline: a post is answered once its facts are in the graph and detected on. Their own rate is
        // the facts over the time runs of them held the graph's turn (the service's el.exceptions.graph_run), the rest of the post aside.
        var (facts, inTurn, postsPerTransaction) = graph.Stop();
        Console.WriteLine(string.Create(Invariant,
            $"{"graph projection + detection (in the graph's turn, inline in the intake's transaction)",-82} {facts / inTurn.TotalSeconds,10:N0} ev/s ({facts:N0} facts in {inTurn.TotalMilliseconds:N0} ms of turn over {intake.Elapsed.TotalMilliseconds:N0} ms; {postsPerTransaction:F1} posts a transaction)"));

        // Holds under load: the hold plant first, then holds posted while another plant streams in.
        foreach (var batch in PlantEvents.Of(holdPlant).Chunk(100)) await PostAsync(client, batch);
        var rawLots = holdPlant.Lots.Where(l => l.ProducedBy is null).ToArray();
        var holds = quick ? 15 : 40;
        var posted = new Dictionary<string, DateTimeOffset>();
        using var stop = new CancellationTokenSource();
        // A steady background of other plants' events at a busy network's rate (well under the graph's capacity, so what is
        // measured is propagation, not a growing backlog).
        var load = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(100.0 / BackgroundEventsPerSecond));
            for (var b = 0; b < background.Length / 100 && await tick.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested; b++)
                await PostAsync(client, background.Skip(b * 100).Take(100).ToArray());
        });
        for (var h = 0; h < holds; h++)
        {
            var lot = rawLots[h * rawLots.Length / holds];
            var holdId = $"QH-B{h}";
            posted[holdId] = DateTimeOffset.UtcNow;
            await PostAsync(client, [PlantEvents.Event($"hold-{h}", "qms", "QualityHoldRaised", lot.Site, $"lot/{lot.Id}", PlantGenerator.Epoch, new { holdId, lotId = lot.Id, reason = "bench" })]);
            await Task.Delay(quick ? 200 : 300);
        }
        stop.Cancel();
        await load;

        var latencies = new List<double>();
        await using (var command = store.DataSource.CreateCommand(
            $"SELECT data->>'holdId', (data->>'propagatedAt')::timestamptz FROM {store.Schema}.mt_events WHERE type = 'exceptions.hold-propagated'"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                if (posted.TryGetValue(reader.GetString(0), out var at))
                    latencies.Add((new DateTimeOffset(reader.GetFieldValue<DateTime>(1)) - at).TotalMilliseconds);
        Report($"hold posted → descendants blocked, {latencies.Count} holds under {BackgroundEventsPerSecond} ev/s background intake", latencies, 1_000);
    }

    /// <summary>The exceptions service in process, on the bench's database and vhost, knowing the plant's three sites.</summary>
    public static WebApplicationFactory<ExecutionLayer.Exceptions.ExceptionsOptions> Service(string connectionString, FreshVirtualHost vhost) =>
        // Any type of the service assembly names its entry point (this program has a Program of its own).
        new WebApplicationFactory<ExecutionLayer.Exceptions.ExceptionsOptions>().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(AppContext.BaseDirectory);
            web.UseSetting("ConnectionStrings:Postgres", connectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in vhost.Configuration) web.UseSetting(key, value);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in PlantRegistry.SeedSettings()) web.UseSetting(key, value);
        });

    private static async Task PostAsync(HttpClient client, object[] batch)
    {
        var response = await client.PostAsJsonAsync("/events", batch);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The same events, appended by Marten directly (one append per source and site, 100 at a time, 4 writers) into a schema of their own.</summary>
    private static async Task<Figure> RawAppendAsync(NpgsqlDataSource dataSource, object[] events)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(dataSource);
            StoreConfiguration.Apply(options, "bench_intake", ExceptionsConfig.Types());
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var records = events.Select(e => JsonSerializer.SerializeToElement(e)).Select(e => new OperationalEventReceived(
            e.GetProperty("source").GetString()!, e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!, e.GetProperty("site").GetString()!,
            e.GetProperty("subject").GetString()!, e.GetProperty("time").GetDateTimeOffset(), e.GetProperty("data"))).ToArray();
        var batches = records.Chunk(100).ToArray();
        return await Measure.RunAsync("raw", records.Length, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var b = c; b < batches.Length; b += Clients)
                foreach (var group in batches[b].GroupBy(r => (r.Source, r.Site)))
                {
                    await using var session = store.LightweightSession();
                    // A stream per source and writer: four writers starting one new stream would race to create it,
                    // which the intake never does (its transactions take turns); the baseline is the append alone.
                    session.Events.Append($"{ReceiveEventsHandler.StreamPrefix}{group.Key.Source}-w{c}",
                        [.. group.Select(r => new Event<OperationalEventReceived>(r) { Id = ReceiveEventsHandler.IntakeEventId(r.Source, r.SourceEventId) })]);
                    await session.SaveChangesAsync();
                }
        }));
    }

    private static void Report(string name, List<double> milliseconds, double targetP99) => Console.WriteLine(string.Create(Invariant,
        $"{name,-82} p50 {Percentiles.Of(milliseconds, 50),8:F1} ms  p99 {Percentiles.Of(milliseconds, 99),8:F1} ms  target p99 < {targetP99:N0} ms{(Percentiles.Of(milliseconds, 99) < targetP99 ? "" : "  MISSED")}"));
}

/// <summary>Listens to the service's graph measurements (it runs in this process): how many facts the graph took, in how long, in how
/// many intake transactions.</summary>
internal sealed class GraphTime : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly Lock _gate = new();
    private long _facts;
    private double _milliseconds;
    private long _groups;
    private long _posts;
    private bool _stopped;

    public GraphTime()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ExceptionsMeter.Name && instrument.Name is "el.exceptions.graph_run" or "el.exceptions.graph_facts" or "el.exceptions.intake_group")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) => { lock (_gate) if (!_stopped) _milliseconds += ms; });
        _listener.SetMeasurementEventCallback<long>((_, n, _, _) => { lock (_gate) if (!_stopped) _facts += n; });
        _listener.SetMeasurementEventCallback<int>((_, posts, _, _) => { lock (_gate) if (!_stopped) (_groups, _posts) = (_groups + 1, _posts + posts); });
        _listener.Start();
    }

    public (long Facts, TimeSpan InTurn, double PostsPerTransaction) Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            return (_facts, TimeSpan.FromMilliseconds(_milliseconds), _groups == 0 ? 0 : (double)_posts / _groups);
        }
    }

    public void Dispose() => _listener.Dispose();
}
