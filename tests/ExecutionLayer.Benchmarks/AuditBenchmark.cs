using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Store;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Marten;
using Npgsql;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The audit service: how fast the ledger takes the feed off the bus (queue filled first, then the
/// service started and timed until the last entry is in) against the services' store's (Marten's) single-event appends
/// in the same run; how fast /audit/verify recomputes the chain; and timeline queries once the ledger
/// holds 10M entries (quick: 1M), the rest generated in SQL (their hashes are not a valid chain — only
/// the query shapes and index sizes matter there).
/// </summary>
internal sealed class AuditBenchmark(string connectionString, bool quick)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private const int PerCorrelation = 20;
    private const int OutboxPage = 256;

    public async Task RunAsync()
    {
        var feed = quick ? 5_000 : 20_000;
        var target = quick ? 1_000_000L : 10_000_000L;
        var queries = quick ? 100 : 300;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        WebApplicationFactory<ExecutionLayer.Audit.AuditOptions> Start() => new WebApplicationFactory<ExecutionLayer.Audit.AuditOptions>().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(AppContext.BaseDirectory);
            web.UseSetting("ConnectionStrings:Postgres", connectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            web.UseSetting("ConnectionStrings:AuditLedger", TestInfrastructure.AuditLedgerOn(connectionString));
            web.UseSetting("Audit:Signing:PrivateKeyPem", key.ExportPkcs8PrivateKeyPem());
            foreach (var (k, value) in vhost.Configuration) web.UseSetting(k, value);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
        });

        // The queue and its binding exist once the service has started; then the feed waits in it while the service is down.
        await using (var first = Start()) first.CreateDefaultClient(new GatewaySigningHandler()).Dispose();
        var publisher = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(vhost.Settings.Host, vhost.Settings.Port, vhost.Settings.VirtualHost, h =>
        {
            h.Username(vhost.Settings.Username);
            h.Password(vhost.Settings.Password);
        }));
        await publisher.StartAsync();
        // As the services' outboxes publish it: pages of up to 256 entries (the outbox's page), each under its page id.
        var pages = (feed + OutboxPage - 1) / OutboxPage;
        var published = await Measure.RunAsync("publish", feed, () => Measure.ConcurrentlyAsync(8, async w =>
        {
            for (var p = w; p < pages; p += 8)
            {
                var first = (long)p * OutboxPage + 1;
                var last = Math.Min(feed, first + OutboxPage - 1);
                var page = new DomainEventsRecorded("bench", [.. Enumerable.Range(0, (int)(last - first + 1)).Select(k => Event(first + k))]);
                await publisher.Publish(page, c => c.MessageId = EventOutbox.AuditPageId("bench", first, last));
            }
        }));
        await publisher.StopAsync();

        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var audit = Start();
        var watch = Stopwatch.StartNew();
        using var client = audit.CreateDefaultClient(new GatewaySigningHandler());
        while (await CountAsync(db) < feed) await Task.Delay(50);
        var appended = new Figure("ledger appends from the bus", feed, watch.Elapsed);

        // The baseline: the services' store (Marten, built as every service builds it) starting one stream per event.
        using var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            StoreConfiguration.Apply(options, "audit_bench_store", new EventTypes().Register<MachineStateChanged>("mes.machine-state-changed").Stream("machine", "machine-"));
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var raw = await Measure.RunAsync("store single-event appends", feed, () => Measure.ConcurrentlyAsync(8, async w =>
        {
            for (var i = w; i < feed; i += 8)
            {
                await using var session = store.LightweightSession();
                session.Events.StartStream($"machine-{i}", BenchEvents.Sample(i));
                await session.SaveChangesAsync();
            }
        }));

        await client.GetFromJsonAsync<JsonElement>("/audit/verify"); // warm: JIT and the table in cache, as in a service that has run a while
        watch.Restart();
        var verdict = await client.GetFromJsonAsync<JsonElement>("/audit/verify");
        var verified = new Figure("verify", verdict.GetProperty("entriesChecked").GetInt64(), watch.Elapsed);
        if (!verdict.GetProperty("ok").GetBoolean()) throw new InvalidOperationException($"verify failed: {verdict}");

        watch.Restart();
        await GenerateAsync(db, feed, target);
        var generated = watch.Elapsed;
        await ExecuteAsync(db, "VACUUM ANALYZE audit.ledger");
        var random = new Random(7);
        var correlations = await TimeAsync(client, queries, () => $"/audit/timeline?correlationId=case-{random.NextInt64(1, target / PerCorrelation)}");
        var subjects = await TimeAsync(client, queries, () => $"/audit/timeline?subject=sales-order/SO-{random.NextInt64(1, target / (PerCorrelation * 2))}");
        var byActor = await TimeAsync(client, queries, () => $"/audit/entries?actor=user-{random.Next(0, 500)}&limit=100");

        var size = await SizeAsync(db);
        Console.WriteLine(string.Create(Invariant, $"Audit — PostgreSQL 15 + RabbitMQ on loopback, {Environment.ProcessorCount} cores{(quick ? " (quick)" : "")}"));
        Console.WriteLine(string.Create(Invariant, $"  feed published (8 publishers, confirms, pages of {OutboxPage}): {published.PerSecond,8:N0} entries/s"));
        Console.WriteLine(string.Create(Invariant,
            $"  ledger appends from the bus ({feed:N0} queued): {appended.PerSecond,8:N0} entries/s   store single-event appends (8 writers): {raw.PerSecond,8:N0} /s   ratio {appended.PerSecond / raw.PerSecond:F2}"));
        Console.WriteLine(string.Create(Invariant, $"  /audit/verify over {verified.Operations:N0} entries: {verified.PerSecond,8:N0} entries/s"));
        Console.WriteLine(string.Create(Invariant, $"  generated to {target:N0} entries in {generated.TotalSeconds:F0} s; ledger table + indexes {size}"));
        foreach (var (name, sample) in new[] { ("timeline by correlation (20 entries + causes)", correlations), ("timeline by subject sales-order/… (2 correlations)", subjects), ("entries by actor, first page of 100", byActor) })
            Console.WriteLine(string.Create(Invariant, $"  {name,-52} p50 {Percentiles.Of(sample, 50),7:F1} ms   p99 {Percentiles.Of(sample, 99),7:F1} ms   ({queries} queries at {target:N0})"));
    }

    private static DomainEventRecorded Event(long i) => new(
        "bench", i, Guid.NewGuid(), i, $"case-{Guid.NewGuid()}", "exception-case", 1, "exceptions.impact-assessed", 1,
        JsonSerializer.Serialize(new { caseId = Guid.NewGuid(), productionOrders = new[] { $"PR-{i % 977}" }, shipments = new[] { $"SH-{i % 311}" },
            commitments = new[] { new { salesOrderId = $"SO-{i % 1009}", customer = "Acme Axles", value = 48_000 } }, valueAtRisk = 48_000.50m }),
        $"case-bench-{i / PerCorrelation}", Guid.NewGuid().ToString(), "exceptions:detector", "OH-DAYTON", DateTimeOffset.UnixEpoch.AddSeconds(i), DateTimeOffset.UnixEpoch.AddSeconds(i));

    /// <summary>Rows after the real ones, in 500k chunks: correlation case-k holds 20 entries, sales order SO-k two correlations' worth.</summary>
    private static async Task GenerateAsync(NpgsqlDataSource db, long from, long to)
    {
        const long chunk = 500_000;
        for (var start = from + 1; start <= to; start += chunk)
        {
            var end = Math.Min(to, start + chunk - 1);
            await ExecuteAsync(db, string.Create(Invariant, $$"""
                INSERT INTO audit.ledger
                SELECT i, md5(i::text)::uuid, 'generated', i, md5('e' || i)::uuid, i, 'case-' || (i / {{PerCorrelation}}), 'exception-case', i % {{PerCorrelation}} + 1,
                       'exceptions.impact-assessed', 1, ARRAY['sales-order/SO-' || (i / {{PerCorrelation * 2}}), 'lot/L-' || (i / 30), 'case/' || (i / {{PerCorrelation}})],
                       'case-' || (i / {{PerCorrelation}}), CASE WHEN i % {{PerCorrelation}} = 0 THEN NULL ELSE md5('e' || (i - 1))::uuid::text END,
                       'user-' || (i % 500), CASE i % 3 WHEN 0 THEN 'OH-DAYTON' WHEN 1 THEN 'TN-SMYRNA' ELSE 'MI-FLINT' END,
                       timestamptz '2026-01-01' + i * interval '1 second', timestamptz '2026-01-01' + i * interval '1 second', now(),
                       '{"caseId":"' || (i / {{PerCorrelation}}) || '","commitments":[{"customer":"Acme Axles","salesOrderId":"SO-' || (i / {{PerCorrelation * 2}}) || '","value":48000}],"valueAtRisk":48000.5}',
                       sha256(int8send(i - 1)), sha256(int8send(i))
                FROM generate_series({{start}}::bigint, {{end}}::bigint) AS i
                """));
            Console.Error.Write(string.Create(Invariant, $"\r  generating ledger rows: {end:N0} / {to:N0}"));
        }
        Console.Error.WriteLine();
    }

    private static async Task<List<double>> TimeAsync(HttpClient client, int count, Func<string> path)
    {
        var sample = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(path());
            await response.Content.ReadAsByteArrayAsync();
            sample.Add(watch.Elapsed.TotalMilliseconds);
        }
        return sample;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM audit.ledger");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> SizeAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("SELECT pg_size_pretty(pg_total_relation_size('audit.ledger'))");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
