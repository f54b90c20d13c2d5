using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The same requests straight to a service and through the gateway, in alternating rounds of one run,
/// everything on real loopback sockets: a small authenticated GET (one action) and a 100-event intake
/// POST. Direct requests are signed as the gateway would sign them, so the services do the same work
/// either way; the difference is the gateway's own: authentication, the access table, rate limiting,
/// re-signing and the extra hop.
/// </summary>
internal sealed class GatewayBenchmark(string connectionString, bool quick)
{
    private const string SigningKey = GatewaySigningHandler.Key;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task RunAsync()
    {
        var rounds = quick ? 1 : 3;
        var duration = TimeSpan.FromSeconds(quick ? 3 : 8);
        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        await using var audit = await new BusProbe(vhost.Settings).Discard<ExecutionLayer.Contracts.Audit.DomainEventsRecorded>().StartAsync();

        var (exceptionsPort, actionsPort, gatewayPort) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        await using var exceptions = Start<ExecutionLayer.Exceptions.ExceptionsOptions>(exceptionsPort, vhost,
            web => { foreach (var (key, value) in PlantRegistry.SeedSettings()) web.UseSetting(key, value); });
        await using var actions = Start<ExecutionLayer.Actions.ActionsOptions>(actionsPort, vhost, _ => { });
        var (key, record) = ApiKeys.Create("bench", ["admin"], ["*"], requestsPerSecond: 1e9, burst: 1_000_000_000);
        await using var gateway = Start<GatewayMarker>(gatewayPort, vhost, web =>
        {
            web.UseSetting("Gateway:ApiKeyFile", "");
            web.UseSetting("Services:exceptions", $"http://127.0.0.1:{exceptionsPort}/");
            web.UseSetting("Services:actions", $"http://127.0.0.1:{actionsPort}/");
            // Not measured: addresses nothing listens on, as the gateway needs one for every cluster it routes to.
            web.UseSetting("Services:approvals", $"http://127.0.0.1:{LoopbackPort.Free()}/");
            web.UseSetting("Services:audit", $"http://127.0.0.1:{LoopbackPort.Free()}/");
            web.UseSetting("Gateway:ApiKeys:0:Id", record.Id);
            web.UseSetting("Gateway:ApiKeys:0:Salt", record.Salt);
            web.UseSetting("Gateway:ApiKeys:0:Hash", record.Hash);
            web.UseSetting("Gateway:ApiKeys:0:Scopes:0", "admin");
            web.UseSetting("Gateway:ApiKeys:0:Sites:0", "*");
            web.UseSetting("Gateway:ApiKeys:0:RequestsPerSecond", "1000000000");
            web.UseSetting("Gateway:ApiKeys:0:Burst", "1000000000");
        });

        using var directActions = new HttpClient(new GatewaySigningHandler { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = new Uri($"http://127.0.0.1:{actionsPort}/") };
        using var directIntake = new HttpClient(new GatewaySigningHandler { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = new Uri($"http://127.0.0.1:{exceptionsPort}/") };
        using var viaGateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}/") };
        viaGateway.DefaultRequestHeaders.Add("X-Api-Key", key);
        // The exceptions service seeds the registry; actions knows the sites once its replica has them.
        await PlantRegistry.ReplicatedAsync(connectionString, "actions");

        using var creation = await viaGateway.PostAsJsonAsync("/api/actions", new
        {
            title = "Benchmark action", owner = "maint.lead", due = DateTimeOffset.UtcNow.AddDays(4), priority = "P2", site = "OH-DAYTON",
            department = "maintenance", kpis = new[] { "scrap-rate" }, perspective = "InternalProcess", requiredEvidence = "Text",
        }, JsonDefaults.Options);
        if (!creation.IsSuccessStatusCode)
            throw new InvalidOperationException($"Creating the benchmark's action answered {(int)creation.StatusCode}: {await creation.Content.ReadAsStringAsync()}");
        var created = await creation.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var actionId = created.GetProperty("actionId").GetGuid();

        var batch = 0;
        var cases = new (string Name, int Clients, Func<HttpClient, string, Task<HttpResponseMessage>> Send, HttpClient Direct, string DirectPath, string GatewayPath)[]
        {
            ($"GET one action, 16 clients", 16, (c, path) => c.GetAsync(path), directActions, $"/actions/{actionId}", $"/api/actions/{actionId}"),
            ($"POST intake, 100 events a batch, 4 clients", 4, (c, path) => c.PostAsJsonAsync(path, Batch(Interlocked.Increment(ref batch)), JsonDefaults.Options),
                directIntake, "/events", "/api/events"),
        };

        Console.WriteLine($"Gateway vs direct — loopback, {Environment.ProcessorCount} cores, gateway and services in this process, {rounds} alternating round(s) of {duration.TotalSeconds:F0} s{(quick ? " (quick)" : "")}");
        Console.WriteLine($"{"request",-44} {"direct/s",9} {"gateway/s",9} {"ratio",6} {"range",11} {"p50 +ms",8} {"p99 +ms",8} {"target",6}");
        foreach (var (name, clients, send, direct, directPath, gatewayPath) in cases)
        {
            // Warm both paths (JIT, connection pools, prepared statements) before anything is counted.
            await LoadAsync(clients, TimeSpan.FromSeconds(1), () => send(direct, directPath));
            await LoadAsync(clients, TimeSpan.FromSeconds(1), () => send(viaGateway, gatewayPath));
            var results = new List<(Load Direct, Load Gateway)>();
            for (var r = 0; r < rounds; r++)
                results.Add((await LoadAsync(clients, duration, () => send(direct, directPath)), await LoadAsync(clients, duration, () => send(viaGateway, gatewayPath))));
            var ratios = results.Select(x => x.Gateway.PerSecond / x.Direct.PerSecond).Order().ToArray();
            var (d, g) = results.OrderBy(x => x.Gateway.PerSecond / x.Direct.PerSecond).ElementAt(results.Count / 2);
            var ratio = g.PerSecond / d.PerSecond;
            Console.WriteLine(string.Create(Invariant,
                $"{name,-44} {d.PerSecond,9:N0} {g.PerSecond,9:N0} {ratio,6:F2} {$"{ratios[0]:F2}–{ratios[^1]:F2}",11} {g.P50 - d.P50,8:F2} {g.P99 - d.P99,8:F2} {"≥0.6",6}{(ratio >= 0.6 ? "" : "  MISSED")}"));
            Console.WriteLine(string.Create(Invariant,
                $"{"",-44} direct p50 {d.P50:F2} ms p99 {d.P99:F2} ms; gateway p50 {g.P50:F2} ms p99 {g.P99:F2} ms; failures {d.Failures}/{g.Failures}"));
        }
    }

    private sealed record Load(long Requests, long Failures, TimeSpan Elapsed, double P50, double P99)
    {
        public double PerSecond => Requests / Elapsed.TotalSeconds;
    }

    private static async Task<Load> LoadAsync(int clients, TimeSpan duration, Func<Task<HttpResponseMessage>> send)
    {
        var latencies = new List<double>[clients];
        long failures = 0;
        var watch = Stopwatch.StartNew();
        await Measure.ConcurrentlyAsync(clients, async c =>
        {
            var mine = latencies[c] = [];
            while (watch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send();
                await response.Content.LoadIntoBufferAsync();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
            }
        });
        watch.Stop();
        var all = latencies.SelectMany(l => l).ToArray();
        return new Load(all.Length, failures, watch.Elapsed, Percentiles.Of(all, 50), Percentiles.Of(all, 99));
    }

    /// <summary>A hundred KPI readings no one has sent before (a repeat would be answered as a duplicate, which is cheaper).</summary>
    private static object[] Batch(int n) => [.. Enumerable.Range(0, 100).Select(i => (object)new
    {
        specversion = "1.0", id = $"bench-{n}-{i}", source = "mes-qc", type = "KpiMeasured", site = "OH-DAYTON", subject = $"kpi/k{i % 10}", time = DateTimeOffset.UtcNow,
        data = new { kpi = $"k{i % 10}", value = i, unit = "%", measuredAt = DateTimeOffset.UtcNow },
    })];

    private static string GatewayProject()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionLayer.sln"))) return Path.Combine(dir.FullName, "gateway", "ExecutionLayer.Gateway");
        throw new InvalidOperationException($"No ExecutionLayer.sln above {AppContext.BaseDirectory}.");
    }

    private WebApplicationFactory<T> Start<T>(int port, FreshVirtualHost vhost, Action<IWebHostBuilder> configure) where T : class
    {
        var factory = new WebApplicationFactory<T>().WithWebHostBuilder(web =>
        {
            // The gateway's routes are its appsettings.json; the output directory holds whichever referenced
            // project's appsettings.json the build copied last, so the gateway reads its own project's.
            web.UseContentRoot(typeof(T) == typeof(GatewayMarker) ? GatewayProject() : AppContext.BaseDirectory);
            web.UseUrls($"http://127.0.0.1:{port}");
            web.UseSetting("ConnectionStrings:Postgres", connectionString);
            web.UseSetting("Gateway:SigningKey", SigningKey);
            foreach (var (key, value) in vhost.Configuration) web.UseSetting(key, value);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            configure(web);
        });
        factory.UseKestrel();
        factory.StartServer();
        return factory;
    }
}
