using System.Diagnostics;
using System.Globalization;
using ExecutionLayer.Benchmarks;
using ExecutionLayer.Testing;
using Npgsql;

// Usage: dotnet run -c Release --project tests/ExecutionLayer.Benchmarks [-- [store|exceptions|flow|approvals|actions|audit|gateway] [--quick]]
// Needs the servers of infra/run.sh or infra/test.sh; creates and drops a database of its own.
var quick = args.Contains("--quick");
var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
bool Runs(string suite) => suites.Count == 0 || suites.Contains(suite);
var (writers, single, batches) = quick ? (8, 250, 10) : (8, 2_500, 60);

var database = $"el_bench_{Environment.ProcessId}";
await using (var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin))
{
    await admin.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE {database} OWNER executionlayer", admin);
    await create.ExecuteNonQueryAsync();
}

try
{
    var connection = new NpgsqlConnectionStringBuilder(TestInfrastructure.Postgres) { Database = database, MaxAutoPrepare = 50, MaxPoolSize = 32 };
    await using var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
    if (Runs("exceptions")) await new ExecutionLayer.Benchmarks.ExceptionsBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("flow")) await new FlowBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("approvals")) await new ApprovalsBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("actions")) await new ActionsBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("audit")) await new AuditBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("gateway")) await new GatewayBenchmark(connection.ConnectionString, quick).RunAsync();
    if (!Runs("store")) return;
    var rounds = quick ? 1 : 3;
    Print("Marten (as every service builds it) vs raw Npgsql", await new MartenStoreBenchmark(connection.ConnectionString, dataSource, writers, single, batches).RunAsync(rounds));

    void Print(string title, IReadOnlyList<Comparison> results)
    {
        Console.WriteLine($"{title} — PostgreSQL 15 on loopback, {Environment.ProcessorCount} cores, median of {rounds} alternating round(s){(quick ? " (quick)" : "")}");
        Console.WriteLine($"{"measure",-92} {"raw ev/s",10} {"ours ev/s",10} {"ours/raw",8} {"range",11} {"target",6}");
        foreach (var c in results)
        {
            var (raw, ours) = c.Median;
            var ratio = ours.PerSecond / raw.PerSecond;
            var range = string.Create(CultureInfo.InvariantCulture, $"{c.Ratios[0]:F2}–{c.Ratios[^1]:F2}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-92} {raw.PerSecond,10:N0} {ours.PerSecond,10:N0} {ratio,8:F2} {range,11} {"≥" + c.Target.ToString("F1", CultureInfo.InvariantCulture),6}{(ratio >= c.Target ? "" : "  MISSED")}"));
        }
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set of the benchmark process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB"));
}
finally
{
    NpgsqlConnection.ClearAllPools();
    // EL_BENCH_KEEP=1 leaves the database for EXPLAIN ANALYZE; its name is printed.
    if (Environment.GetEnvironmentVariable("EL_BENCH_KEEP") == "1") Console.WriteLine($"kept database {database}");
    else await DropAsync(database);
}

static async Task DropAsync(string database)
{
    await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
    await drop.ExecuteNonQueryAsync();
}
