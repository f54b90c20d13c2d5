using System.Diagnostics;
using System.Globalization;
using ExecutionLayer.Benchmarks;
using ExecutionLayer.Testing;
using Npgsql;

// Usage: dotnet run -c Release --project tests/ExecutionLayer.Benchmarks [-- [store|exceptions|flow|approvals|actions|audit|gateway] [--quick] [--on DATABASE]]
// Needs the servers of infra/run.sh or infra/test.sh; creates and drops a database of its own. `actions --on el_bench_N` times the
// actions suite's queries again on a database a run kept (EL_BENCH_KEEP=1), without seeding it again — the hour of seeding and
// draining is not repeated to re-time queries on a quiet machine — and leaves it.
var quick = args.Contains("--quick");
var on = Array.IndexOf(args, "--on") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
var suites = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--on")).ToHashSet();
bool Runs(string suite) => suites.Count == 0 || suites.Contains(suite);
var (writers, single, batches) = quick ? (8, 250, 10) : (8, 2_500, 60);

if (on is not null && (suites.Count != 1 || !suites.Contains("actions")))
{
    Console.Error.WriteLine("--on re-times the actions suite only: -- actions --on el_bench_N");
    return 2;
}
var database = on ?? $"el_bench_{Environment.ProcessId}";
if (on is null)
{
    await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
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
    if (Runs("actions")) await new ActionsBenchmark(connection.ConnectionString, quick, Kept: on is not null).RunAsync();
    if (Runs("audit")) await new AuditBenchmark(connection.ConnectionString, quick).RunAsync();
    if (Runs("gateway")) await new GatewayBenchmark(connection.ConnectionString, quick).RunAsync();
    if (!Runs("store")) return 0;
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
    // EL_BENCH_KEEP=1 leaves the database for EXPLAIN ANALYZE (and --on); its name is printed. One named with --on is left as it was found.
    if (Environment.GetEnvironmentVariable("EL_BENCH_KEEP") == "1" || on is not null) Console.WriteLine($"kept database {database}");
    else await DropAsync(database);
}
return 0;

static async Task DropAsync(string database)
{
    await using var admin = new NpgsqlConnection(TestInfrastructure.PostgresAdmin);
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
    await drop.ExecuteNonQueryAsync();
}
