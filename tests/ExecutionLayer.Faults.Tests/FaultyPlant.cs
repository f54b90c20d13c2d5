using System.Text.Json;
using ExecutionLayer.Load;
using ExecutionLayer.Load.Driving;
using ExecutionLayer.Load.Reconciliation;

namespace ExecutionLayer.Faults.Tests;

/// <summary>
/// The system as processes on a PostgreSQL and a RabbitMQ of its own (so crashing them touches no other
/// test), with the generated plant day set up. Each fault test drives a short load, breaks something
/// part-way, and then the whole reconciliation must hold — for everything the system has taken so far.
/// </summary>
public class FaultyPlant : IAsyncLifetime
{
    /// <summary>On three clustered RabbitMQ nodes and a PostgreSQL primary with a synchronous standby, instead of one of each.</summary>
    protected virtual bool Clustered => false;

    /// <summary>Light enough for two cores while a fault is being absorbed; the figures come from el-load.</summary>
    public static readonly LoadPlan Burst = new(Rate: 12, Count: 10_000, Duration: TimeSpan.FromSeconds(16));

    public PrivateServers Servers { get; private set; } = null!;

    public RunningSystem System { get; private set; } = null!;

    public LoadRun Load { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await PrivateServers.StartAsync(Clustered);
        try
        {
            System = new RunningSystem(new SystemShape(ShiftableClock: false, Gateway: new Dictionary<string, string>
            {
                // A hung approvals service must answer 504 within a test's patience, not the production 30 s.
                ["ReverseProxy__Routes__approvals__Timeout"] = "00:00:04",
            }));
            await System.InitializeAsync();
            Load = await LoadRun.StartAsync(System, seed: 7, CancellationToken.None);
            await StartedAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Once the system is up and the plant set up: what a fixture notes of it before any fault.</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    /// <summary>Drives <see cref="Burst"/>, runs the fault once the load has run for <paramref name="after"/>, then reconciles.</summary>
    public async Task<(LoadOutcome Outcome, ReconciliationReport Report)> UnderLoadAsync(TimeSpan after, Func<Task> fault)
    {
        var load = Load.DriveAsync(Burst, CancellationToken.None);
        await Task.Delay(after);
        await fault();
        var outcome = await load;
        var report = await Load.ReconcileAsync(TimeSpan.FromMinutes(3), CancellationToken.None);
        _queuesAfter = report.Holds ? "" : await QueueDepthsAsync();
        return (outcome, report);
    }

    private string _queuesAfter = "";

    /// <summary>Why a reconciliation failed, with the queues still holding messages and what each process said last.</summary>
    public string Explain(LoadOutcome outcome, ReconciliationReport report) =>
        $"{report.Failures}\nunexpected answers: {string.Join("\n", outcome.Failures.Take(5).Select(f => f.Message))}\n" +
        $"queues holding messages after the reconciliation: {_queuesAfter}\n\n{System.Logs()}{(Clustered ? Servers.BrokerLogs() : "")}";

    /// <summary>Whether what is missing waits in a queue (unconsumed, or parked in an _error queue) or never reached one.</summary>
    private async Task<string> QueueDepthsAsync()
    {
        try
        {
            var queues = await QueueDetailsAsync();
            var held = queues.Where(q => q.Messages > 0).Select(q => $"{q.Name} {q.Messages} ({q.Consumers} consumer(s))");
            // On a cluster, also where each queue's leader is and which members are up: a queue without a majority refuses publishes.
            var placed = Clustered ? "\nqueue leaders: " + string.Join(", ", queues.Select(q => $"{q.Name} on {q.Leader} ({q.Online.Length} of {q.Members.Length} up)")) : "";
            return (string.Join(", ", held) is { Length: > 0 } list ? list : "none") + placed;
        }
        catch (HttpRequestException e)
        {
            return $"unknown ({e.Message})";
        }
    }

    /// <summary>The system's queues as RabbitMQ's management API has them last: messages held and consumers attached.</summary>
    public async Task<List<(string Name, long Messages, int Consumers)>> QueuesAsync() =>
        [.. (await QueueDetailsAsync()).Select(q => (q.Name, q.Messages, q.Consumers))];

    /// <summary>Each queue with its type and, for a quorum queue, its members, the members online and the leader (node names).</summary>
    public async Task<List<QueueDetail>> QueueDetailsAsync()
    {
        var vhost = Uri.EscapeDataString(System.VirtualHost.Name);
        using var queues = JsonDocument.Parse(await System.VirtualHost.Management.GetStringAsync($"queues/{vhost}"));
        return [.. queues.RootElement.EnumerateArray().Select(q => new QueueDetail(
            q.GetProperty("name").GetString()!,
            q.TryGetProperty("type", out var type) ? type.GetString()! : "classic",
            q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0,
            q.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0,
            q.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("publish", out var published) ? published.GetInt64() : 0,
            Names(q, "members"), Names(q, "online"),
            q.TryGetProperty("leader", out var leader) && leader.ValueKind == JsonValueKind.String ? leader.GetString() : null))];
    }

    private static string[] Names(JsonElement queue, string property) =>
        queue.TryGetProperty(property, out var names) && names.ValueKind == JsonValueKind.Array ? [.. names.EnumerateArray().Select(n => n.GetString()!)] : [];

    public async Task DisposeAsync()
    {
        if (Load is not null) await Load.DisposeAsync();
        if (System is not null) await System.DisposeAsync();
        if (Servers is not null) await Servers.DisposeAsync();
    }
}

/// <summary>A queue as the management API reports it; <see cref="Published"/> counts every message it was given so far.</summary>
public sealed record QueueDetail(string Name, string Type, long Messages, int Consumers, long Published, string[] Members, string[] Online, string? Leader);
