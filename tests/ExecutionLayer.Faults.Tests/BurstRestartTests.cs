using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace ExecutionLayer.Faults.Tests;

/// <summary>
/// The intake killed -9 in the middle of a burst of orders an ERP posts, and started again: the ERP retries
/// what was not acknowledged, and once the last batch is taken its orders are in the graph at once and in
/// the audit ledger within seconds — not the 50 s a restarted service once took to catch up.
/// </summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BurstRestartTests(FaultyPlant plant, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Orders = 2_000;
    private const int PerBatch = 100;
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_burst_cut_by_a_kill_and_restart_of_the_intake_is_in_the_graph_at_once_and_in_the_ledger_within_seconds()
    {
        var source = $"burst-{Guid.NewGuid():N}"[..14];
        using var erp = new HttpClient { BaseAddress = new Uri(plant.System.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
        erp.DefaultRequestHeaders.Add("X-Api-Key", plant.System.Keys.Erp);

        Task? restarted = null;
        try
        {
            for (var first = 0; first < Orders; first += PerBatch)
            {
                if (first == 5 * PerBatch)
                {
                    // Mid-burst, and posting on while it starts again: the ERP's retries meet refusals until it is back.
                    await plant.System.Instance("exceptions").KillHardAsync();
                    restarted = plant.System.RestartAsync(plant.System.Instance("exceptions"));
                }
                await PostUntilTakenAsync(erp, Batch(source, first));
            }
        }
        finally
        {
            // The next test needs the service back, whatever happened here.
            if (restarted is not null) await restarted;
        }

        using var graph = new HttpClient { BaseAddress = new Uri(plant.System.Gateway.BaseAddress) };
        graph.DefaultRequestHeaders.Add("X-Api-Key", plant.System.Keys.Admin);
        Assert.Equal(HttpStatusCode.OK, (await graph.GetAsync($"/api/graph/orders/{source}-{Orders - 1}")).StatusCode);

        var inLedger = await UntilAsync(async () => await Database.ScalarAsync(plant.System, $"""
            SELECT count(*) FROM audit.ledger l JOIN exceptions.mt_events e ON l.source = 'exceptions' AND l.source_event_id = e.id
            WHERE e.data->>'source' = '{source}'
            """) == Orders);
        output.WriteLine($"the burst's {Orders} events in the ledger {inLedger.TotalSeconds:F1} s after the last batch was taken");
        Assert.True(inLedger < CatchUp, $"The ledger had the burst {inLedger.TotalSeconds:F1} s after its last batch was taken.\n{plant.System.Logs()}");
    }

    private static object[] Batch(string source, int first) => [.. Enumerable.Range(first, PerBatch).Select(i => new
    {
        specversion = "1.0", id = $"{source}-{i}", source, type = "SalesOrderConfirmed", site = "OH-DAYTON", subject = $"sales-order/{source}-{i}",
        time = DateTimeOffset.UtcNow,
        data = new { orderId = $"{source}-{i}", customer = "Acme Axles", item = "AXLE-40", quantity = 10, promiseDate = DateTimeOffset.UtcNow.AddDays(9), value = 1_000m, currency = "USD" },
    })];

    /// <summary>As an ERP does: a batch not acknowledged (refused connection, a gateway 502/503/504) is sent again; (source, id) makes that safe.</summary>
    private static async Task PostUntilTakenAsync(HttpClient erp, object[] batch)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var answer = await erp.PostAsJsonAsync("/api/events", batch);
                if (answer.StatusCode == HttpStatusCode.Accepted) return;
                Assert.True((int)answer.StatusCode >= 500, $"The intake refused the batch: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The gateway itself is up; a transport error here is a retry too.
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "The intake did not take a batch again within two minutes of the kill.");
            await Task.Delay(200);
        }
    }

    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2) && !await condition()) await Task.Delay(100);
        return clock.Elapsed;
    }
}
