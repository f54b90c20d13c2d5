using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The actions service with 100k actions across three sites (quick: 20k), written through its own
/// write path: how long the execution-metrics queries and the prioritised list take at that size, and
/// how many lifecycle commands per second the API takes — against the store appending one event each. <paramref name="Kept"/>: the
/// database holds a run's seeded actions already (kept with EL_BENCH_KEEP=1); only the queries are timed again.
/// </summary>
internal sealed class ActionsBenchmark(string connectionString, bool quick, bool Kept = false)
{
    private const int Clients = 8;
    private const int PerTransaction = 250;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] Sites = ["OH-DAYTON", "TN-SMYRNA", "MI-FLINT"];
    private static readonly string[] Departments = ["maintenance", "production", "quality", "logistics", "planning", "customer-service"];
    private static readonly DateTimeOffset Today = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public async Task RunAsync()
    {
        var total = quick ? 20_000 : 100_000;
        var lifecycles = quick ? 300 : 1_500;
        var clock = new ManualClock(Kept ? Today : Today.AddDays(-60));
        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        await using var factory = new WebApplicationFactory<ExecutionLayer.Actions.ActionsOptions>().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(AppContext.BaseDirectory);
            web.UseSetting("ConnectionStrings:Postgres", connectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in vhost.Configuration) web.UseSetting(key, value);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
        });
        await using var audit = await new BusProbe(vhost.Settings).Discard<ExecutionLayer.Contracts.Audit.DomainEventsRecorded>()
            .Discard<ExecutionLayer.Contracts.Actions.ActionItemCreated>().StartAsync();
        using var client = factory.CreateDefaultClient(new GatewaySigningHandler());
        client.DefaultRequestHeaders.Add("X-Actor", "bench.lead");
        await PlantRegistry.PublishAsync(audit, connectionString, "actions");
        await SetUpAsync(client);
        if (Kept)
        {
            await TimeQueriesAgainAsync(client, total);
            return;
        }

        var store = factory.Services.GetRequiredService<ServiceStore>();
        var create = factory.Services.GetRequiredService<CreateActionHandler>();
        var writer = factory.Services.GetRequiredService<ActionWriter>();
        var random = new Random(48);
        var plans = Enumerable.Range(0, total).Select(i => Plan(i, random)).ToArray();

        var seeded = await Measure.RunAsync("seed", total, () => InBatchesAsync(store, plans, (tx, p) =>
            create.HandleAsync(tx, p.Command, new Provenance(Actor: "bench"), CancellationToken.None)));
        clock.Set(Today.AddDays(-40));
        await InBatchesAsync(store, plans.Where(p => p.Outcome == 1).ToArray(), (tx, p) => CloseAsync(writer, tx, p, clock.GetUtcNow()));
        clock.Set(Today.AddDays(-10));
        await InBatchesAsync(store, plans.Where(p => p.Outcome == 2).ToArray(), (tx, p) => CloseAsync(writer, tx, p, clock.GetUtcNow()));
        await InBatchesAsync(store, plans.Where(p => p.Outcome == 3).ToArray(), (tx, p) => writer.DecideAsync(tx, p.Command.ActionId, new Provenance(Actor: "bench"),
            CancellationToken.None, s => ActionDecisions.Cancel(s, "no longer needed", "bench", clock.GetUtcNow())));
        clock.Set(Today);
        // Measured in steady state: the overdue notices the seeded history is owed (one per open action
        // past its date), and the outbox publishing it all, would otherwise share the two cores with the queries.
        var drained = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => await Backlog(store, clock.GetUtcNow()) == 0, "overdue notices sent and the outbox caught up", TimeSpan.FromMinutes(45));
        var drainSeconds = drained.Elapsed.TotalSeconds;
        var overdue = plans.Count(p => p.Outcome == 0 && p.Command.Due < Today);

        var queries = quick ? 40 : 100;
        var (metrics, cards, objectiveCount, kpiCount) = await TimeReadsAsync(client, queries);

        var fresh = new Guid[lifecycles];
        for (var i = 0; i < lifecycles; i++)
            fresh[i] = (await (await Ensure(client.PostAsJsonAsync("/actions", Body(i), JsonDefaults.Options))).Content.ReadFromJsonAsync<ActionBody>())!.ActionId;
        var commands = await Measure.RunAsync("lifecycle commands", lifecycles * 4L, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            using var owner = factory.CreateDefaultClient(new GatewaySigningHandler());
            owner.DefaultRequestHeaders.Add("X-Actor", "owner-bench");
            using var verifier = factory.CreateDefaultClient(new GatewaySigningHandler());
            verifier.DefaultRequestHeaders.Add("X-Actor", "verifier-bench");
            for (var i = c; i < lifecycles; i += Clients)
            {
                await Ensure(owner.PostAsJsonAsync($"/actions/{fresh[i]}/start", new { }));
                await Ensure(owner.PostAsJsonAsync($"/actions/{fresh[i]}/progress", new { note = "half way", percentComplete = 50 }));
                await Ensure(owner.PostAsJsonAsync($"/actions/{fresh[i]}/claim", new { documentReference = $"WO-{i}" }));
                await Ensure(verifier.PostAsJsonAsync($"/actions/{fresh[i]}/verify", new { }));
            }
        }));
        var raw = await Measure.RunAsync("raw appends", lifecycles * 4L, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var i = c; i < lifecycles * 4; i += Clients)
            {
                // A new stream of one event, as Marten appends it for any session: the store's own cost, without a decision or an index.
                var actionId = Guid.NewGuid();
                await using var session = store.Documents.LightweightSession();
                session.Events.StartStream(ActionItem.StreamId(actionId), new ActionItem.Event.Started(actionId, SourceKind.Manual, "bench", "owner-bench", DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }
        }));

        Console.WriteLine(string.Create(Invariant, $"Actions — {total:N0} actions across {Sites.Length} sites, PostgreSQL 15 + RabbitMQ on loopback, {Environment.ProcessorCount} cores{(quick ? " (quick)" : "")}"));
        Console.WriteLine(string.Create(Invariant, $"  seeded through the write path ({Clients} writers, {PerTransaction} per transaction): {seeded.PerSecond,8:N0} actions/s"));
        Console.WriteLine(string.Create(Invariant, $"  {overdue:N0} overdue notices fired and everything published {drainSeconds:F0} s after the last write ({overdue / drainSeconds:N0} notices/s)"));
        PrintReads(metrics, cards, queries, objectiveCount, kpiCount);
        Console.WriteLine(string.Create(Invariant,
            $"  lifecycle commands through the API ({Clients} clients): {commands.PerSecond,8:N0} /s   store single-event appends: {raw.PerSecond,8:N0} /s   ratio {commands.PerSecond / raw.PerSecond:F2}"));
    }

    private sealed record ActionBody(Guid ActionId);

    /// <summary>The same GET, one at a time, <paramref name="queries"/> times: its p50 and p99 in milliseconds.</summary>
    /// <summary>The queries of a kept run, timed again: nothing is written but the scorecard's (unchanged) configuration.</summary>
    private async Task TimeQueriesAgainAsync(HttpClient client, int total)
    {
        var queries = quick ? 40 : 100;
        var (metrics, cards, objectiveCount, kpiCount) = await TimeReadsAsync(client, queries);
        Console.WriteLine(string.Create(Invariant, $"Actions — the queries again, on the kept database of a {total:N0}-action run, {Environment.ProcessorCount} cores{(quick ? " (quick)" : "")}"));
        PrintReads(metrics, cards, queries, objectiveCount, kpiCount);
    }

    private static async Task<(List<(string Name, double P50, double P99)> Metrics, List<(string Name, double P50, double P99)> Cards, int Objectives, int Kpis)>
        TimeReadsAsync(HttpClient client, int queries)
    {
        var metrics = new List<(string Name, double P50, double P99)>();
        foreach (var (name, path) in new[]
        {
            ("metrics by site, all sites", "/metrics/execution?groupBy=site"),
            ("metrics by owner, one site", "/metrics/execution?groupBy=owner&site=OH-DAYTON"),
            ("metrics by KPI, all sites", "/metrics/execution?groupBy=kpi"),
            ("metrics by department, 90-day period", "/metrics/execution?groupBy=department&from=2026-08-25T00:00:00Z&to=2026-11-23T00:00:00Z"),
            ("prioritised list, one site (risk of every open action)", "/actions/prioritised?site=TN-SMYRNA&limit=50"),
        })
            metrics.Add(await TimeQueriesAsync(client, name, path, queries));

        // The scorecard over the same actions: 500 KPIs (167 a site, kpi-0…9 the actions are linked to among them), 50 objectives a
        // site under 5 of the company's, each measured by 3 KPIs.
        var (objectiveCount, kpiCount) = await SetUpScorecardAsync(client);
        var cards = new List<(string Name, double P50, double P99)>();
        foreach (var (name, path) in new[]
        {
            ("scorecard, one site (55 objectives)", "/scorecard?site=TN-SMYRNA&period=2026-Q4"),
            ("scorecard, all sites (155 objectives)", "/scorecard?period=2026-Q4"),
        })
            cards.Add(await TimeQueriesAsync(client, name, path, queries));
        return (metrics, cards, objectiveCount, kpiCount);
    }

    private static void PrintReads(List<(string Name, double P50, double P99)> metrics, List<(string Name, double P50, double P99)> cards, int queries, int objectives, int kpis)
    {
        foreach (var (name, p50, p99) in metrics)
            Console.WriteLine(string.Create(Invariant, $"  {name,-58} p50 {p50,7:F1} ms   p99 {p99,7:F1} ms   ({queries} queries)"));
        foreach (var (name, p50, p99) in cards)
            Console.WriteLine(string.Create(Invariant, $"  {name,-58} p50 {p50,7:F1} ms   p99 {p99,7:F1} ms   ({queries} queries; {objectives} objectives, {kpis} KPIs in all; target p99 < 200 ms)"));
    }

    private static async Task<(string Name, double P50, double P99)> TimeQueriesAsync(HttpClient client, string name, string path, int queries)
    {
        var times = new List<double>();
        for (var q = 0; q < queries; q++)
        {
            var watch = Stopwatch.StartNew();
            var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
            await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (name, Percentiles.Of(times, 50), Percentiles.Of(times, 99));
    }

    private static async Task<long> Backlog(ServiceStore store, DateTimeOffset now)
    {
        await using var command = store.DataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM {store.Schema}.deadlines WHERE fired_at IS NULL AND cancelled_at IS NULL AND next_attempt_at <= $1)
                 + (SELECT count(*) FROM {store.Schema}.mt_events
                    WHERE seq_id > coalesce((SELECT max(last_seq_id) FROM {store.Schema}.mt_event_progression WHERE name LIKE 'outbox-actions%'), 0))
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <param name="Outcome">0 stays open, 1 verified 40 days ago, 2 verified 10 days ago, 3 cancelled.</param>
    private sealed record SeedPlan(CreateAction Command, int Outcome);

    private static SeedPlan Plan(int i, Random random)
    {
        var site = Sites[i % Sites.Length];
        var kpis = random.NextDouble() < 0.6 ? new[] { $"kpi-{random.Next(10)}" } : [];
        var due = Today.AddDays(-55 + random.Next(0, 85)).AddHours(random.Next(0, 24));
        var owner = $"{site.ToLowerInvariant()}-owner-{random.Next(100)}";
        var command = new CreateAction(Guid.CreateVersion7(), $"Seeded action {i}", null, owner, due, (Priority)random.Next(4), site,
            Departments[random.Next(Departments.Length)], SourceKind.Manual, "bench", kpis, (Perspective)random.Next(4), [$"cause-{random.Next(40)}"],
            EvidenceKind.Document, "quality-lead", 14, null, "bench");
        var roll = random.NextDouble();
        return new SeedPlan(command, roll < 0.25 ? 1 : roll < 0.5 ? 2 : roll < 0.55 ? 3 : 0);
    }

    private static Task<Decided<ActionItem, ActionItem.Event>> CloseAsync(ActionWriter writer, StoreTransaction tx, SeedPlan p, DateTimeOffset now) =>
        writer.DecideAsync(tx, p.Command.ActionId, new Provenance(Actor: "bench"), CancellationToken.None, s =>
        {
            var claimed = ActionDecisions.ClaimCompletion(s, new Evidence(null, "WO-1", null), s.Owner, now);
            var after = claimed.Aggregate(s, (x, e) => x.Apply(e));
            return [.. claimed, .. ActionDecisions.Verify(after, "bench.verifier", holdsVerifierRole: true, now)];
        });

    private static Task InBatchesAsync(ServiceStore store, SeedPlan[] plans, Func<StoreTransaction, SeedPlan, Task> write) =>
        Measure.ConcurrentlyAsync(Clients, async w =>
        {
            for (var start = w * PerTransaction; start < plans.Length; start += Clients * PerTransaction)
            {
                await using var tx = await store.BeginAsync(CancellationToken.None);
                foreach (var p in plans.Skip(start).Take(PerTransaction)) await write(tx, p);
                await tx.CommitAsync(CancellationToken.None);
            }
        });

    private static object Body(int i) => new
    {
        title = $"Lifecycle {i}", owner = "owner-bench", due = Today.AddDays(7), site = "MI-FLINT", priority = "P3", requiredEvidence = "Document", verifierRole = "quality-lead",
    };

    private static async Task SetUpAsync(HttpClient client)
    {
        foreach (var site in Sites)
        {
            await Ensure(client.PutAsJsonAsync($"/actions/sites/{site}/rules", new
            {
                roles = new Dictionary<string, string[]> { ["quality-lead"] = ["verifier-bench"], ["site-leader"] = ["bench.lead"] },
                overdueLadder = new[] { new { notify = "owner", after = "PT0S" } },
            }, JsonDefaults.Options));
            for (var k = 0; k < 10; k++)
            {
                await Ensure(client.PutAsJsonAsync($"/kpis/{site}/kpi-{k}", new
                {
                    name = $"KPI {k}", unit = "%", direction = "LowerIsBetter", target = 1m, green = 2m, red = 4m, perspective = "InternalProcess",
                }, JsonDefaults.Options));
                await Ensure(client.PostAsJsonAsync($"/kpis/{site}/kpi-{k}/readings", new { value = 1m + k * 0.5m, measuredAt = Today.AddDays(-61) }, JsonDefaults.Options));
            }
        }
    }

    /// <returns>How many objectives and KPIs the scorecard is read over.</returns>
    private static async Task<(int Objectives, int Kpis)> SetUpScorecardAsync(HttpClient client)
    {
        const int kpisPerSite = 167;
        const int objectivesPerSite = 50;
        for (var c = 0; c < 5; c++)
            await Ensure(client.PutAsJsonAsync($"/objectives/company-{c}", new
            {
                name = $"Company goal {c}", level = "corporate", perspective = ((Perspective)(c % 4)).ToString(), owner = "ceo.bench", period = "2026",
                kpis = Sites.Select(site => new { site, kpi = $"kpi-{c}", weight = 1m }),
            }, JsonDefaults.Options));
        foreach (var site in Sites)
        {
            for (var k = 10; k < kpisPerSite; k++)
            {
                await Ensure(client.PutAsJsonAsync($"/kpis/{site}/kpi-{k}", new
                {
                    name = $"KPI {k}", unit = "%", direction = "HigherIsBetter", target = 98m, green = 95m, red = 90m, perspective = "Customer",
                }, JsonDefaults.Options));
                await Ensure(client.PostAsJsonAsync($"/kpis/{site}/kpi-{k}/readings", new { value = 89m + k % 10, measuredAt = Today.AddDays(-3) }, JsonDefaults.Options));
            }
            for (var o = 0; o < objectivesPerSite; o++)
                await Ensure(client.PutAsJsonAsync($"/objectives/{site.ToLowerInvariant()}-{o}", new
                {
                    name = $"{site} goal {o}", level = "site", site, parent = $"company-{o % 5}", perspective = ((Perspective)(o % 4)).ToString(), owner = "lead.bench",
                    period = "2026-Q4", kpis = new[] { o % 10, 10 + o * 3 % (kpisPerSite - 10), 10 + (o * 7 + 1) % (kpisPerSite - 10) }.Distinct()
                        .Select((k, i) => new { site, kpi = $"kpi-{k}", weight = 1m + i }),
                }, JsonDefaults.Options));
        }
        return (5 + Sites.Length * objectivesPerSite, Sites.Length * kpisPerSite);
    }

    private static async Task<HttpResponseMessage> Ensure(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
