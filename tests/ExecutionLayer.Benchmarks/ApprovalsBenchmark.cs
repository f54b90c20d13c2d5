using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The approvals service with 10k requests open: how fast requests are taken and notified, how long
/// one new request takes to reach the approver's bridge (a real webhook receiver on loopback), and
/// decisions per second through signed tokens — against the store appending one event per decision.
/// </summary>
internal sealed class ApprovalsBenchmark(string connectionString, bool quick)
{
    private const int Clients = 8;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task RunAsync()
    {
        var open = quick ? 2_000 : 10_000;
        var probes = quick ? 100 : 300;
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        await using var bridge = await WebhookReceiver.StartAsync(secret);
        await using var factory = new WebApplicationFactory<ExecutionLayer.Approvals.ApprovalsOptions>().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(AppContext.BaseDirectory);
            web.UseSetting("ConnectionStrings:Postgres", connectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in vhost.Configuration) web.UseSetting(key, value);
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.UseSetting("Approvals:Tokens:Key", "benchmark-decision-token-key");
            web.UseSetting("Approvals:Webhooks:Concurrency", "16");
            web.UseSetting("Approvals:Webhooks:PollInterval", "00:00:00.020");
        });
        await using var audit = await new BusProbe(vhost.Settings).Discard<ExecutionLayer.Contracts.Audit.DomainEventsRecorded>().StartAsync();
        using var client = factory.CreateDefaultClient(new GatewaySigningHandler());
        await PlantRegistry.PublishAsync(audit, connectionString, "approvals");
        await SetUpAsync(client, bridge.Url, secret);

        var notices = new ConcurrentDictionary<Guid, ReceivedWebhook>();
        var awaited = new ConcurrentDictionary<Guid, TaskCompletionSource>();
        bridge.Arrived += w =>
        {
            if (w.Type != "approval.requested") return;
            var id = w.Data.GetProperty("approvalId").GetGuid();
            notices[id] = w;
            if (awaited.TryRemove(id, out var waiter)) waiter.TrySetResult();
        };

        var started = Stopwatch.StartNew();
        var requests = await Measure.RunAsync("requests", open, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var i = c; i < open; i += Clients) await RequestAsync(client, Guid.NewGuid());
        }));
        await Eventually.TrueAsync(() => notices.Count >= open, "every open request notified", TimeSpan.FromMinutes(10));
        var allNotified = started.Elapsed;

        var latencies = new List<double>();
        for (var p = 0; p < probes; p++)
        {
            var requestId = Guid.NewGuid();
            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            awaited[RequestApproval.IdFor(requestId)] = arrived;
            var watch = Stopwatch.StartNew();
            await RequestAsync(client, requestId);
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        var tokens = notices.Values.Select(n => n.Data.GetProperty("actions").GetProperty("approve").GetProperty("token").GetString()!).ToArray();
        var decisions = await Measure.RunAsync("decisions", tokens.Length, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var i = c; i < tokens.Length; i += Clients)
            {
                var response = await client.PostAsJsonAsync("/decisions", new { token = tokens[i] });
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"decision answered {(int)response.StatusCode}");
            }
        }));
        var store = factory.Services.GetRequiredService<ServiceStore>();
        var raw = await Measure.RunAsync("raw appends", tokens.Length, () => Measure.ConcurrentlyAsync(Clients, async c =>
        {
            for (var i = c; i < tokens.Length; i += Clients)
            {
                // A new stream of one event, as Marten appends it for any session: the store's own cost, without a decision or an index.
                var approvalId = Guid.NewGuid();
                await using var session = store.Documents.LightweightSession();
                session.Events.StartStream(ApprovalRequest.StreamId(approvalId),
                    new ApprovalRequest.Event.DecisionRecorded(approvalId, 0, 0, "pat.plant", null, Verdict.Approve, null, DecisionChannel.Link, Guid.NewGuid(), DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }
        }));

        Console.WriteLine(string.Create(Invariant, $"Approvals — {open:N0} open requests, {Clients} clients, PostgreSQL 15 + RabbitMQ on loopback, {Environment.ProcessorCount} cores{(quick ? " (quick)" : "")}"));
        Console.WriteLine(string.Create(Invariant,
            $"  requests taken: {requests.PerSecond,8:N0} /s; all {open:N0} notified through the webhook receiver within {allNotified.TotalSeconds:F1} s"));
        Console.WriteLine(string.Create(Invariant,
            $"  request-to-notification with {open:N0} open ({probes} requests, one at a time): p50 {Percentiles.Of(latencies, 50),6:F1} ms   p99 {Percentiles.Of(latencies, 99),6:F1} ms"));
        Console.WriteLine(string.Create(Invariant,
            $"  decisions through tokens: {decisions.PerSecond,8:N0} /s   store single-event appends: {raw.PerSecond,8:N0} /s   ratio {decisions.PerSecond / raw.PerSecond:F2}"));
    }

    private static async Task SetUpAsync(HttpClient client, string bridgeUrl, string secret)
    {
        await EnsureAsync(await client.PutAsJsonAsync("/directory/OH-DAYTON/roles/plant-manager", new { people = new[] { "pat.plant" } }, JsonDefaults.Options));
        await EnsureAsync(await client.PutAsJsonAsync("/policies/overtime", new PolicyDefinition("Overtime", new PolicyMatch(["overtime"]),
            [new StageRule("Plant manager", [new ApproverRef(Role: "plant-manager")], new Quorum(QuorumKind.Any), "PT4H", [])], "P2D"), JsonDefaults.Options));
        await EnsureAsync(await client.PostAsJsonAsync("/webhooks/subscriptions", new { url = bridgeUrl, secret, eventTypes = new[] { "approval.requested" } }));
    }

    private static async Task RequestAsync(HttpClient client, Guid requestId) => await EnsureAsync(await client.PostAsJsonAsync("/approvals", new
    {
        requestId,
        subject = new { type = "overtime", id = $"OH-DAYTON/{requestId}" },
        site = "OH-DAYTON",
        amount = 18_000m,
        currency = "USD",
        reason = "Saturday shift",
        decisionContext = new { caseSummary = "CNC-4 down", salesOrders = new[] { "SO-1001" }, valueAtRisk = 52_000 },
    }));

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
