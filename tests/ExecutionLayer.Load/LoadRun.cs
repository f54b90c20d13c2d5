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
    private readonly NpgsqlDataSource _db;
    private readonly PlantOperations _operations;
    private readonly PlantFloor _floor;

    private LoadRun(RunningSystem system, HttpClient http, ApproverBridge bridge, int seed)
    {
        _http = http;
        _bridge = bridge;
        _db = NpgsqlDataSource.Create(system.Database.AdminConnectionString);
        Run = $"r{seed:x}{Random.Shared.Next(0x1000, 0xffff):x}";
        _floor = new PlantFloor(http, system, bridge);
        _operations = new PlantOperations(_floor, new PlantEvents(Run), new Patiently(Latencies, TimeSpan.FromSeconds(120)), Acknowledged, seed);
    }

    /// <summary>This run's mark on the ids it makes.</summary>
    public string Run { get; }

    public Latencies Latencies { get; } = new();

    /// <summary>The plants' ERP/MES client, for measurements beyond the day.</summary>
    public ExecutionLayer.Demo.Api.GatewayClient Erp => _floor.Erp;

    public Acknowledged Acknowledged { get; } = new();

    public static async Task<LoadRun> StartAsync(RunningSystem system, int seed, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = new Uri(system.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
        var run = new LoadRun(system, http, await ApproverBridge.StartAsync(), seed);
        await run._floor.SetUpAsync(ct);
        return run;
    }

    public Task<LoadOutcome> DriveAsync(LoadPlan plan, CancellationToken ct) => LoadDriver.RunAsync(plan, _operations.RunAsync, ct);

    public Task<ReconciliationReport> ReconcileAsync(TimeSpan patience, CancellationToken ct) =>
        new Reconciler(_db, _floor.Auditor).ReconcileAsync(Acknowledged, Run, patience, ct);

    public async ValueTask DisposeAsync()
    {
        await _bridge.DisposeAsync();
        await _db.DisposeAsync();
        _http.Dispose();
    }
}
