using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Xunit;

namespace ExecutionLayer.Harness;

/// <summary>
/// The whole system as infra/run.sh runs it — four services and the gateway, each its own process on a
/// free loopback port, in Development — against a database and a vhost of its own on the test
/// PostgreSQL and RabbitMQ. Callers reach it only through the gateway. A process can be killed hard
/// and started again on its port, as a supervisor would.
/// </summary>
public sealed class RunningSystem(SystemShape shape) : IAsyncLifetime
{
    public const string JwtIssuer = "executionlayer-e2e";
    public const string JwtAudience = "executionlayer";

    private static readonly Dictionary<string, string> Projects = new()
    {
        ["audit"] = "services/Audit/ExecutionLayer.Audit",
        ["exceptions"] = "services/Exceptions/ExecutionLayer.Exceptions",
        ["approvals"] = "services/Approvals/ExecutionLayer.Approvals",
        ["actions"] = "services/Actions/ExecutionLayer.Actions",
    };

    private readonly FreshDatabase _database = new();
    private readonly FreshVirtualHost _vhost = new();
    private readonly List<ChildProcess> _processes = [];
    private bool _disposed;
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"el-e2e-keys-{Guid.NewGuid():N}.json");

    public string JwtSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

    public ECDsa LedgerKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DevelopmentCredentials Keys { get; private set; } = null!;

    public RunningSystem() : this(new SystemShape())
    {
    }

    public ChildProcess Gateway { get; private set; } = null!;

    /// <summary>Every process now running (a restarted one replaces the one it restarted).</summary>
    public IReadOnlyList<ChildProcess> Processes { get { lock (_processes) return [.. _processes]; } }

    /// <summary>The service's n-th instance (1-based): "exceptions", "exceptions#2".</summary>
    public ChildProcess Instance(string service, int n = 1) => Processes.Single(p => p.Name == InstanceName(service, n));

    /// <summary>The system's own database: what the reconciliation reads, and what an operator-played fault touches.</summary>
    public FreshDatabase Database => _database;

    public FreshVirtualHost VirtualHost => _vhost;

    public DevelopmentTokens Tokens => new(JwtSecret, JwtIssuer, JwtAudience);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _vhost.InitializeAsync();
        Keys = WriteKeyFile();

        var instances = SystemShape.ServiceNames.SelectMany(name => Enumerable.Range(1, shape.Instances).Select(n => InstanceName(name, n))).ToList();
        var ports = instances.ToDictionary(i => i, _ => LoopbackPort.Free());
        var gatewayPort = LoopbackPort.Free();
        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["Gateway__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)),
        };
        foreach (var (key, value) in _vhost.Configuration) shared[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        // One list of addresses, as infra/env.sh exports it: every instance of a service, and the gateway.
        foreach (var name in SystemShape.ServiceNames)
            shared[$"Services__{name}"] = string.Join(' ', Enumerable.Range(1, shape.Instances).Select(n => $"http://127.0.0.1:{ports[InstanceName(name, n)]}/"));
        shared["Services__gateway"] = $"http://127.0.0.1:{gatewayPort}/";

        var services = new Dictionary<string, string>(shared)
        {
            ["Development__ShiftableClock"] = shape.ShiftableClock ? "true" : "false",
            ["ConnectionStrings__AuditLedger"] = TestInfrastructure.AuditLedgerOn(_database.ConnectionString),
            ["Audit__Signing__PrivateKeyPem"] = LedgerKey.ExportPkcs8PrivateKeyPem(),
        };
        // The ledger's queue must exist before the other services' outboxes publish what it records.
        await StartAsync("audit", ports["audit"], services);
        await Task.WhenAll(instances.Where(i => i != "audit").Select(i => StartAsync(i, ports[i], services)));

        var gateway = new Dictionary<string, string>(shared)
        {
            ["Gateway__ApiKeyFile"] = _keyFile,
            ["Gateway__Jwt__Issuer"] = JwtIssuer,
            ["Gateway__Jwt__Audience"] = JwtAudience,
            ["Gateway__Jwt__HmacSecrets__0"] = JwtSecret,
        };
        foreach (var (key, value) in shape.Gateway ?? new Dictionary<string, string>()) gateway[key] = value;
        Gateway = await StartAsync("gateway", gatewayPort, gateway);
        // The registry (exceptions) seeds the plant's sites; approvals and actions know them once their replicas have them.
        await PlantRegistry.ReplicatedAsync(_database.ConnectionString, "approvals");
        await PlantRegistry.ReplicatedAsync(_database.ConnectionString, "actions");
    }

    private static string InstanceName(string service, int n) => n == 1 ? service : $"{service}#{n}";

    /// <summary>kill -9 the process, then start it again on its port once it has gone, and wait until it is ready.</summary>
    public async Task<ChildProcess> KillAndRestartAsync(ChildProcess process, TimeSpan? down = null)
    {
        await process.KillHardAsync();
        if (down is { } pause) await Task.Delay(pause);
        return await RestartAsync(process);
    }

    /// <summary>Starts a process that was killed again, with the same port and configuration.</summary>
    public async Task<ChildProcess> RestartAsync(ChildProcess process)
    {
        var again = process.StartAgain();
        lock (_processes) _processes[_processes.IndexOf(process)] = again;
        if (process == Gateway) Gateway = again;
        await again.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return again;
    }

    /// <summary>Each process's peak resident memory, by name.</summary>
    public IReadOnlyDictionary<string, long> PeakMemory() => Processes.ToDictionary(p => p.Name, p => p.PeakMemoryBytes);

    /// <summary>What each process last wrote, for a failure message.</summary>
    public string Logs() => string.Join("\n\n", Processes.Select(p => $"--- {p.Name} ---\n{p.Tail(15)}"));

    private async Task<ChildProcess> StartAsync(string name, int port, IReadOnlyDictionary<string, string> environment)
    {
        var project = name == "gateway" ? "gateway/ExecutionLayer.Gateway" : Projects[name.Split('#')[0]];
        var process = ChildProcess.Start(name, Build.OutputOf(project), port, environment);
        lock (_processes) _processes.Add(process);
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return process;
    }

    /// <summary>The five development keys, as infra/run.sh makes them: the gateway gets only their salted hashes.</summary>
    private DevelopmentCredentials WriteKeyFile()
    {
        var admin = ApiKeys.Create("e2e-admin", ["admin"], ["*"]);
        var erp = ApiKeys.Create("e2e-erp", ["events:write", "exceptions:read", "approvals:write", "actions:read", "act-on-behalf"], ["*"]);
        var bridge = ApiKeys.Create("e2e-bridge", ["approvals:decide", "approvals:write", "act-on-behalf"], ["*"]);
        var auditor = ApiKeys.Create("e2e-auditor", ["audit:read"], ["*"]);
        var planner = ApiKeys.Create("e2e-planner", ["recommendations:write"], ["*"]);
        File.WriteAllText(_keyFile, JsonSerializer.Serialize(new[] { admin.Record, erp.Record, bridge.Record, auditor.Record, planner.Record }, JsonDefaults.Options));
        return new DevelopmentCredentials(admin.Key, erp.Key, bridge.Key, auditor.Key, planner.Key);
    }

    public async Task DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var process in Enumerable.Reverse(Processes)) await process.DisposeAsync();
        File.Delete(_keyFile);
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
        LedgerKey.Dispose();
    }
}
