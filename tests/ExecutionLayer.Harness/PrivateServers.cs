using System.Diagnostics;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Harness;

/// <summary>
/// A PostgreSQL and a RabbitMQ of their own, started by the project's infra scripts on free loopback
/// ports with a data directory of their own, so a test may crash or restart them without touching the
/// servers every other test assembly is using at the same moment. Starting them points this process's
/// test infrastructure (<see cref="ExecutionLayer.Testing.TestInfrastructure"/>) at them.
/// </summary>
public sealed class PrivateServers : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private PrivateServers(string dataDirectory, int postgresPort, int rabbitPort, bool clustered)
    {
        DataDirectory = dataDirectory;
        Clustered = clustered;
        _environment = new()
        {
            ["EL_CLUSTER"] = clustered ? "1" : "0",
            ["EL_PG_STANDBY_PORT"] = Text(postgresPort + 1),
            ["EL_RABBITMQ_NODE_PORTS"] = string.Join(' ', RabbitNodePorts(rabbitPort, clustered).Select(Text)),
            ["EL_DATA_DIR"] = dataDirectory,
            ["EL_PG_PORT"] = Text(postgresPort),
            ["EL_RABBITMQ_PORT"] = Text(rabbitPort),
            // Derived in env.sh unless already set, and a developer's shell has them set for the shared node.
            ["EL_RABBITMQ_DIST_PORT"] = Text(rabbitPort + 1),
            ["EL_EPMD_PORT"] = Text(rabbitPort + 2),
            ["EL_RABBITMQ_MGMT_PORT"] = Text(rabbitPort + 3),
            ["EL_RABBITMQ_NODE"] = $"el-{rabbitPort}@localhost",
            // Ports chosen here, not derived from EL_BASE_PORT: env.sh keeps chosen values when this note is empty.
            ["EL_DERIVED_FROM"] = "",
            // Queue leaders elected, members down and up, connections closed: what a failed fault test needs to say why.
            ["EL_RABBITMQ_LOG_LEVEL"] = "info",
        };
    }

    public string DataDirectory { get; }

    /// <summary>Three RabbitMQ nodes in one cluster and a PostgreSQL primary with a synchronous standby (infra's EL_CLUSTER=1).</summary>
    public bool Clustered { get; }

    /// <summary>Each RabbitMQ node's AMQP port; node 0 is the first (and, unclustered, the only) one.</summary>
    public IReadOnlyList<int> RabbitNodePorts() => RabbitNodePorts(RabbitPort, Clustered);

    private int RabbitPort => int.Parse(_environment["EL_RABBITMQ_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    // As infra/env.sh lays them out: node 0 on its four ports (AMQP, distribution, epmd, management), then three each.
    private static int[] RabbitNodePorts(int rabbitPort, bool clustered) => clustered ? [rabbitPort, rabbitPort + 4, rabbitPort + 7] : [rabbitPort];

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<PrivateServers> StartAsync(bool clustered = false)
    {
        // Root's checkout may be closed to the server users, so the data lives under /var/tmp as env.sh does it.
        var servers = new PrivateServers($"/var/tmp/executionlayer-private-{Guid.NewGuid():N}"[..48], LoopbackPort.FreeRun(clustered ? 2 : 1),
            // RabbitMQ takes four ports from its base: AMQP, distribution, epmd and the management API; two more nodes three more each.
            LoopbackPort.FreeRun(clustered ? 10 : 4), clustered);
        try
        {
            await Task.WhenAll(servers.InfraAsync("postgres.sh", "start"), servers.InfraAsync("rabbitmq.sh", "start"));
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
        var pg = servers._environment["EL_PG_PORT"];
        var rabbit = servers.RabbitPort;
        // As infra/env.sh says it: in a cluster both servers, whichever is primary now (rechecked every 2 s, so a promoted
        // standby is found soon after the promotion).
        var hosts = clustered ? $"Host=127.0.0.1:{pg},127.0.0.1:{servers._environment["EL_PG_STANDBY_PORT"]};Target Session Attributes=primary;Host Recheck Seconds=2"
            : $"Host=127.0.0.1;Port={pg}";
        Environment.SetEnvironmentVariable("ConnectionStrings__PostgresAdmin", $"{hosts};Database=postgres;Username=postgres;Password=postgres-dev");
        Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", $"{hosts};Database=executionlayer;Username=executionlayer;Password=executionlayer-dev");
        Environment.SetEnvironmentVariable("RabbitMq__Port", Text(rabbit));
        Environment.SetEnvironmentVariable("RabbitMq__ManagementPort", Text(rabbit + 3));
        var nodes = servers.RabbitNodePorts();
        Environment.SetEnvironmentVariable("RabbitMq__ManagementPorts",
            clustered ? string.Join(' ', nodes.Select((port, i) => Text(i == 0 ? port + 3 : port + 2))) : null);
        for (var i = 0; i < 3; i++)
            Environment.SetEnvironmentVariable($"RabbitMq__Nodes__{i}", clustered ? $"127.0.0.1:{Text(nodes[i])}" : null);
        return servers;
    }

    /// <summary>pg_ctl stop -m immediate: the postmaster and every backend go at once, as in a power cut; recovery replays the WAL.</summary>
    public Task CrashPostgresAsync() => InfraAsync("postgres.sh", "crash");

    /// <remarks>
    /// This process's own pooled connections (the checks' and the reconciler's) died with the server: they are
    /// dropped here, so the first check after a restart does not fail on a connection the server no longer knows.
    /// </remarks>
    public async Task StartPostgresAsync()
    {
        try
        {
            await InfraAsync("postgres.sh", "start");
        }
        finally
        {
            // Even when the start failed: the next test must not inherit connections to the crashed server.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }
    }

    /// <summary>Makes the standby the primary (infra's postgres.sh promote): what an operator does once the primary is lost.</summary>
    public Task PromoteStandbyAsync() => InfraAsync("postgres.sh", "promote");

    /// <summary>One node of the cluster: stopped as an operator would, or killed (-9) as a crash would.</summary>
    public Task StopRabbitNodeAsync(int node) => InfraAsync("rabbitmq.sh", "stop-node", Text(node));

    public Task KillRabbitNodeAsync(int node) => InfraAsync("rabbitmq.sh", "kill-node", Text(node));

    public Task StartRabbitNodeAsync(int node) => InfraAsync("rabbitmq.sh", "start-node", Text(node));

    public Task StopRabbitMqAsync() => InfraAsync("rabbitmq.sh", "stop");

    public Task StartRabbitMqAsync() => InfraAsync("rabbitmq.sh", "start");

    /// <summary>The last lines each RabbitMQ node logged, but for clients connecting (its log is kept until the servers are disposed).</summary>
    public string BrokerLogs(int lines = 80) => string.Concat(
        Directory.EnumerateFiles(DataDirectory, "el-*@localhost.log", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(log => $"\n--- {Path.GetFileName(log)} ---\n{string.Join('\n', File.ReadLines(log).Where(Telling).TakeLast(lines))}"));

    private static bool Telling(string line) =>
        !line.Contains("accepting AMQP connection", StringComparison.Ordinal) && !line.Contains("authenticated and granted access", StringComparison.Ordinal);

    /// <summary>Runs one of infra/'s scripts against these servers; a failure carries the script's output.</summary>
    public async Task InfraAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Build.Root, "infra", script));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"infra/{script} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output}\n{await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(InfraAsync("postgres.sh", "stop"), InfraAsync("rabbitmq.sh", "stop"));
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server still closing a file; /var/tmp is cleaned by the system.
        }
    }
}
