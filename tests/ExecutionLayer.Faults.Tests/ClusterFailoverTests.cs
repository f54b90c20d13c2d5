using System.Diagnostics;
using ExecutionLayer.Load.Driving;
using ExecutionLayer.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ExecutionLayer.Faults.Tests;

/// <summary>
/// The engines' own failovers under load, each followed by the full reconciliation: a broker node killed, one stopped and
/// brought back, the database's primary crashed and its standby promoted. Each says how long the system took to recover
/// and how many requests failed meanwhile (docs/operations.md has the figures).
/// </summary>
[Collection(ClusterFaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ClusterFailoverTests(ClusteredPlant plant, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public void Every_queue_is_a_quorum_queue_on_all_three_nodes_and_every_commit_waits_for_the_standby()
    {
        Assert.NotEmpty(plant.QueuesAtStart);
        Assert.All(plant.QueuesAtStart, q => Assert.True(q is { Type: "quorum", Members.Length: 3, Online.Length: 3 },
            $"{q.Name}: {q.Type}, members {string.Join(", ", q.Members)}, online {string.Join(", ", q.Online)}"));
        Assert.Equal([("el_standby", "sync")], plant.StandbysAtStart);
    }

    [Fact]
    public Task The_broker_node_leading_the_busiest_queues_killed_under_load_loses_nothing_acknowledged() => OnTheBusiestNodeAsync(async node =>
    {
        var recovered = await RecoveryAsync(() => plant.Servers.KillRabbitNodeAsync(node), ThroughTheBrokerSinceSql);
        // RabbitMQ 3.10's stuck channel (docs/operations.md): which services met it and renewed their bus.
        var renewed = plant.System.Processes.Where(p => p.Warned("renewing the bus")).Select(p => p.Name).ToList();
        return $"{plant.NodeName(node)} killed: an event stored after it was in the ledger {recovered.TotalSeconds:F1} s after the kill; " +
            $"bus renewed in {(renewed.Count == 0 ? "no service" : string.Join(", ", renewed))}";
    });

    [Fact]
    public Task A_broker_node_stopped_and_brought_back_under_load_rejoins_with_every_queue_on_all_three_nodes() => OnTheBusiestNodeAsync(async node =>
    {
        // As an operator patching a node: stopped cleanly, so its queues hand their leadership over before it goes.
        var flowing = await RecoveryAsync(() => plant.Servers.StopRabbitNodeAsync(node), ThroughTheBrokerSinceSql);
        var rejoined = await BringBackAsync(node);
        return $"{plant.NodeName(node)} stopped: an event stored after it was in the ledger {flowing.TotalSeconds:F1} s after the stop began; " +
            $"started again, every queue on all three nodes {rejoined.TotalSeconds:F1} s later";
    });

    /// <summary>
    /// A fault on the node leading the busiest queues, under load, then the reconciliation; the node is brought back (and
    /// every queue on all three nodes again) whatever happened, so the next test starts from the whole cluster.
    /// </summary>
    /// <param name="fault">Breaks the node and says how long the system took to recover.</param>
    private async Task OnTheBusiestNodeAsync(Func<int, Task<string>> fault)
    {
        var (abandoned, retried) = (plant.Load.Latencies.TotalAbandoned, plant.Load.Latencies.TotalRetries);
        var (node, said) = (-1, "");
        try
        {
            var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
            {
                node = await BusiestLeaderAsync();
                said = await fault(node);
            });

            output.WriteLine($"{said}; {Failed(outcome, abandoned, retried)}");
            Assert.True(report.Holds, plant.Explain(outcome, report));
            AssertOnlyRetried(outcome, abandoned);
        }
        finally
        {
            if (node >= 0) await BringBackAsync(node);
        }
    }

    [Fact]
    public async Task The_primary_crashed_and_the_standby_promoted_under_load_keeps_every_acknowledged_write()
    {
        var (abandoned, retried) = (plant.Load.Latencies.TotalAbandoned, plant.Load.Latencies.TotalRetries);
        var recovered = TimeSpan.Zero;
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
        {
            recovered = await RecoveryAsync(async () =>
            {
                await plant.Servers.CrashPostgresAsync();
                // Promoted at once, as an orchestrator that saw the primary go would: the services are not told, they find it.
                await plant.Servers.PromoteStandbyAsync();
                NpgsqlConnection.ClearAllPools(); // this process's checks held connections to the crashed primary
            }, StoredSinceSql);
        });

        output.WriteLine($"the intake stored again {recovered.TotalSeconds:F1} s after the crash; " + Failed(outcome, abandoned, retried));
        Assert.True(report.Holds, plant.Explain(outcome, report));
        AssertOnlyRetried(outcome, abandoned);
    }

    /// <summary>The node leading the queues that have been given the most messages so far (the ledger's feed, the KPI readings).</summary>
    private async Task<int> BusiestLeaderAsync()
    {
        var busiest = (await plant.QueueDetailsAsync()).Where(q => q.Leader is not null)
            .GroupBy(q => q.Leader!).OrderByDescending(leader => leader.Sum(q => q.Published)).First();
        output.WriteLine($"{busiest.Key} leads {string.Join(", ", busiest.Where(q => q.Published > 0).Select(q => q.Name))}");
        return plant.NodeIndex(busiest.Key);
    }

    /// <summary>An intake event stored after the moment, recorded in the audit ledger: the broker carried it from the outbox.</summary>
    private static string ThroughTheBrokerSinceSql(DateTimeOffset at) => $"""
        SELECT count(*) FROM audit.ledger l JOIN {ServiceEvents.Table("exceptions")} e ON l.source = 'exceptions' AND l.source_event_id = e.id
        WHERE e.timestamp > '{at.UtcDateTime:O}'::timestamptz
        """;

    /// <summary>An event the intake stored after the moment: writes go on.</summary>
    private static string StoredSinceSql(DateTimeOffset at) =>
        $"SELECT count(*) FROM {ServiceEvents.Table("exceptions")} WHERE timestamp > '{at.UtcDateTime:O}'::timestamptz";

    /// <summary>
    /// Runs the fault, then how long from its start until the load's work shows up again: the query counts what was stored
    /// after the fault had struck (the node gone, the server stopped), so nothing counted can have slipped through before it.
    /// </summary>
    private async Task<TimeSpan> RecoveryAsync(Func<Task> fault, Func<DateTimeOffset, string> sinceSql)
    {
        var clock = Stopwatch.StartNew();
        await fault();
        var at = DateTimeOffset.UtcNow;
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return await Database.ScalarAsync(plant.System, sinceSql(at)) > 0;
                }
                catch (NpgsqlException)
                {
                    return false; // the server the check reached is going, or not yet the primary
                }
            }, "the system working again after the fault", Patience);
        }
        catch (TimeoutException e)
        {
            var queues = await plant.QueueDetailsAsync();
            throw new TimeoutException($"{e.Message}\nqueues: {string.Join(", ", queues.Where(q => !q.Name.EndsWith("_error", StringComparison.Ordinal))
                .Select(q => $"{q.Name} {q.Messages} msg, {q.Consumers} consumer(s), leader {q.Leader}, online {q.Online.Length}"))}\n\n{plant.System.Logs()}{plant.Servers.BrokerLogs()}", e);
        }
        return clock.Elapsed;
    }

    /// <summary>Starts the node again if it is down, then waits until every queue has all three members online.</summary>
    private async Task<TimeSpan> BringBackAsync(int node)
    {
        var clock = Stopwatch.StartNew();
        await plant.Servers.StartRabbitNodeAsync(node);
        await Eventually.TrueAsync(async () => (await plant.QueueDetailsAsync()).All(q => q.Online.Length == 3),
            $"every queue online on all three nodes after {plant.NodeName(node)} came back", Patience);
        return clock.Elapsed;
    }

    /// <summary>A client that retries what the system asked it to retry (503 with Retry-After, 502/504) saw nothing fail.</summary>
    private void AssertOnlyRetried(LoadOutcome outcome, int abandonedBefore)
    {
        Assert.True(outcome.Failures.Count == 0, string.Join("\n", outcome.Failures.Take(5).Select(f => f.Message)));
        Assert.Equal(abandonedBefore, plant.Load.Latencies.TotalAbandoned);
    }

    private string Failed(LoadOutcome outcome, int abandonedBefore, int retriedBefore) =>
        $"requests failed during it: {outcome.Failures.Count} unexpected answer(s), {plant.Load.Latencies.TotalAbandoned - abandonedBefore} given up, " +
        $"{plant.Load.Latencies.TotalRetries - retriedBefore} retried (of {outcome.Operations} operations)" +
        string.Concat(outcome.Failures.GroupBy(f => f.Message.Split('\n')[0]).Select(f => $"\n  {f.Count()} × {f.Key}"));
}
