using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The whole system as infra/run.sh runs it — four services and the gateway, each its own process on a
/// free loopback port, in Development with movable clocks — against a database and a vhost of its own
/// on the test PostgreSQL and RabbitMQ. Callers reach it only through the gateway.
/// </summary>
public sealed class RunningSystem : IAsyncLifetime
{
    public const string JwtIssuer = "executionlayer-e2e";
    public const string JwtAudience = "executionlayer";

    private static readonly (string Name, string Project)[] Services =
    [
        ("audit", "services/Audit/ExecutionLayer.Audit"),
        ("exceptions", "services/Exceptions/ExecutionLayer.Exceptions"),
        ("approvals", "services/Approvals/ExecutionLayer.Approvals"),
        ("actions", "services/Actions/ExecutionLayer.Actions"),
    ];

    private readonly FreshDatabase _database = new();
    private readonly FreshVirtualHost _vhost = new();
    private readonly List<ChildProcess> _processes = [];
    private bool _disposed;
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"el-e2e-keys-{Guid.NewGuid():N}.json");

    public string JwtSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36));

    public ECDsa LedgerKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DevelopmentCredentials Keys { get; private set; } = null!;

    public ChildProcess Gateway { get; private set; } = null!;

    public IReadOnlyList<ChildProcess> Processes => _processes;

    public DevelopmentTokens Tokens => new(JwtSecret, JwtIssuer, JwtAudience);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _vhost.InitializeAsync();
        Keys = WriteKeyFile();

        var ports = Services.ToDictionary(s => s.Name, _ => LoopbackPort.Free());
        var gatewayPort = LoopbackPort.Free();
        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["Gateway__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)),
        };
        foreach (var (key, value) in _vhost.Configuration) shared[key.Replace(":", "__", StringComparison.Ordinal)] = value!;

        var services = new Dictionary<string, string>(shared)
        {
            ["Development__ShiftableClock"] = "true",
            ["ConnectionStrings__AuditLedger"] = TestInfrastructure.AuditLedgerOn(_database.ConnectionString),
            ["Audit__Signing__PrivateKeyPem"] = LedgerKey.ExportPkcs8PrivateKeyPem(),
            ["Audit__Services__case"] = $"http://127.0.0.1:{ports["exceptions"]}",
            ["Audit__Services__approval"] = $"http://127.0.0.1:{ports["approvals"]}",
            ["Audit__Services__action"] = $"http://127.0.0.1:{ports["actions"]}",
            ["Approvals__PublicBaseUrl"] = $"http://127.0.0.1:{gatewayPort}/api",
        };
        // The ledger's queue must exist before the other services' outboxes publish what it records.
        await StartAsync(Services[0].Name, Services[0].Project, ports[Services[0].Name], services);
        await Task.WhenAll(Services.Skip(1).Select(s => StartAsync(s.Name, s.Project, ports[s.Name], services)));

        var gateway = new Dictionary<string, string>(shared)
        {
            ["Gateway__ApiKeyFile"] = _keyFile,
            ["Gateway__Jwt__Issuer"] = JwtIssuer,
            ["Gateway__Jwt__Audience"] = JwtAudience,
            ["Gateway__Jwt__HmacSecrets__0"] = JwtSecret,
        };
        foreach (var (name, port) in ports) gateway[$"ReverseProxy__Clusters__{name}__Destinations__d1__Address"] = $"http://127.0.0.1:{port}/";
        Gateway = await StartAsync("gateway", "gateway/ExecutionLayer.Gateway", gatewayPort, gateway);
    }

    /// <summary>What each process last wrote, for a failure message.</summary>
    public string Logs() => string.Join("\n\n", _processes.Select(p => $"--- {p.Name} ---\n{p.Tail(15)}"));

    private async Task<ChildProcess> StartAsync(string name, string project, int port, IReadOnlyDictionary<string, string> environment)
    {
        var process = ChildProcess.Start(name, Build.OutputOf(project), port, environment);
        lock (_processes) _processes.Add(process);
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return process;
    }

    /// <summary>The four development keys, as infra/run.sh makes them: the gateway gets only their salted hashes.</summary>
    private DevelopmentCredentials WriteKeyFile()
    {
        var admin = ApiKeys.Create("e2e-admin", ["admin"], ["*"]);
        var erp = ApiKeys.Create("e2e-erp", ["events:write", "exceptions:read", "approvals:write", "actions:read"], ["*"]);
        var bridge = ApiKeys.Create("e2e-bridge", ["approvals:decide", "approvals:write"], ["*"]);
        var auditor = ApiKeys.Create("e2e-auditor", ["audit:read"], ["*"]);
        File.WriteAllText(_keyFile, JsonSerializer.Serialize(new[] { admin.Record, erp.Record, bridge.Record, auditor.Record }, JsonDefaults.Options));
        return new DevelopmentCredentials(admin.Key, erp.Key, bridge.Key, auditor.Key);
    }

    public async Task DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var process in Enumerable.Reverse(_processes)) await process.DisposeAsync();
        File.Delete(_keyFile);
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
        LedgerKey.Dispose();
    }
}
