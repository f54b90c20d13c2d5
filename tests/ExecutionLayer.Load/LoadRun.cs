using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Harness;
using ExecutionLayer.Load.Driving;
using ExecutionLayer.Load.Reconciliation;
using ExecutionLayer.Load.Workload;
using Npgsql;

namespace ExecutionLayer.Load;

/// <summary>
/// The generated plant day against a running system: set the plants up, drive the operations at the
/// plan's rate, then reconcile every store with what the clients were told. The fault tests drive it
/// while they break things; el-load prints its figures.
/// </summary>
public sealed class LoadRun : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly ApproverBridge _bridge;
    private readonly string _adminConnectionString;
    private readonly PlantOperations _operations;
    private readonly PlantFloor _floor;
    private int _nextOperation;

    private LoadRun(RunningSystem system, HttpClient http, ApproverBridge bridge, int seed)
    {
        _http = http;
        _bridge = bridge;
        _adminConnectionString = system.Database.AdminConnectionString;
        Run = $"r{seed:x}{Random.Shared.Next(0x1000, 0xffff):x}";
        _floor = new PlantFloor(http, system, bridge);
        _operations = new PlantOperations(_floor, new PlantEvents(Run), new Patiently(Latencies, TimeSpan.FromSeconds(120)), Acknowledged, seed);
    }

    /// <summary>This run's mark on the ids it makes.</summary>
    public string Run { get; }

    public Latencies Latencies { get; } = new();

    /// <summary>The callers of the day, for a test's own requests beside the load.</summary>
    public PlantFloor Floor => _floor;

    public Acknowledged Acknowledged { get; } = new();

    public static async Task<LoadRun> StartAsync(RunningSystem system, int seed, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = new Uri(system.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
        var run = new LoadRun(system, http, await ApproverBridge.StartAsync(), seed);
        await run._floor.SetUpAsync(ct);
        return run;
    }

    /// <summary>Drives the plan; a later drive of the same run carries on numbering, so it makes new work rather than repeating the old.</summary>
    public async Task<LoadOutcome> DriveAsync(LoadPlan plan, CancellationToken ct)
    {
        var first = _nextOperation;
        var outcome = await LoadDriver.RunAsync(plan, (n, token) => _operations.RunAsync(first + n, token), ct);
        _nextOperation += outcome.Operations;
        return outcome;
    }

    /// <summary>A pool of its own each time: connections kept from before a database crash are dead.</summary>
    public async Task<ReconciliationReport> ReconcileAsync(TimeSpan patience, CancellationToken ct)
    {
        await using var db = NpgsqlDataSource.Create(_adminConnectionString);
        return await new Reconciler(db, _floor.Auditor).ReconcileAsync(Acknowledged, Run, patience, ct);
    }

    /// <summary>One more breakdown beside the load (a case, its routed actions over the bus), acknowledged like the load's own.</summary>
    public Task ReportBreakdownAsync(CancellationToken ct) => _operations.BreakdownAsync(Interlocked.Increment(ref _nextOperation) + 1_000_000, ct);

    public async ValueTask DisposeAsync()
    {
        await _bridge.DisposeAsync();
        _http.Dispose();
    }
}
