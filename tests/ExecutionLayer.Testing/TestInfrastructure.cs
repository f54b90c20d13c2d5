using ExecutionLayer.Messaging;

namespace ExecutionLayer.Testing;

/// <summary>
/// Where the servers that infra/test.sh started listen. The environment (set by infra/env.sh) wins;
/// the defaults are the same as env.sh's so an IDE run against a running infra works too.
/// </summary>
public static class TestInfrastructure
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("ConnectionStrings__PostgresAdmin")
        ?? "Host=127.0.0.1;Port=55432;Database=postgres;Username=postgres;Password=postgres-dev";

    public static string Postgres =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=127.0.0.1;Port=55432;Database=executionlayer;Username=executionlayer;Password=executionlayer-dev";

    /// <summary>The audit service's append-only role on the given database (created by the audit service's migration if absent).</summary>
    public static string AuditLedgerOn(string databaseConnectionString) => new Npgsql.NpgsqlConnectionStringBuilder(databaseConnectionString)
    {
        Username = Environment.GetEnvironmentVariable("EL_PG_AUDIT_USER") ?? "el_audit",
        Password = Environment.GetEnvironmentVariable("EL_PG_AUDIT_PASSWORD") ?? "el-audit-dev",
    }.ConnectionString;

    public static RabbitMqSettings RabbitMq => new()
    {
        Host = Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
        Port = ushort.Parse(Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "55672"),
        VirtualHost = Environment.GetEnvironmentVariable("RabbitMq__VirtualHost") ?? "executionlayer",
        Username = Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "executionlayer",
        Password = Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "executionlayer-dev",
        Nodes = [.. Enumerable.Range(0, 9).Select(i => Environment.GetEnvironmentVariable($"RabbitMq__Nodes__{i}")).OfType<string>()],
    };

    public static int RabbitMqManagementPort =>
        int.Parse(Environment.GetEnvironmentVariable("RabbitMq__ManagementPort") ?? "55675");

    /// <summary>Every node's management API in a cluster (any of them answers for all), else the one node's.</summary>
    public static IReadOnlyList<int> RabbitMqManagementPorts =>
        Environment.GetEnvironmentVariable("RabbitMq__ManagementPorts") is { Length: > 0 } ports
            ? [.. ports.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)]
            : [RabbitMqManagementPort];

    internal static InvalidOperationException Unreachable(string what, string where, Exception inner) =>
        new($"{what} is not reachable at {where}: {inner.Message}. Start the test servers with infra/test.sh " +
            "(it starts PostgreSQL and RabbitMQ on loopback, runs every test and stops them again).", inner);
}
