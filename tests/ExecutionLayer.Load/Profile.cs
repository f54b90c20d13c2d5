using System.Globalization;
using ExecutionLayer.Harness;
using Npgsql;

namespace ExecutionLayer.Load;

/// <summary>
/// Where the time went while a ceiling ran (issue #28: measure before changing): CPU seconds per process — each service, the gateway,
/// el-load itself, every PostgreSQL backend, RabbitMQ — read from /proc before and after; and what PostgreSQL's busy sessions were
/// doing, sampled every 50 ms from pg_stat_activity by service (application name) and wait (CPU when none).
/// </summary>
public sealed class Profile : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly RunningSystem _system;
    private readonly NpgsqlDataSource _db;
    private readonly Dictionary<string, double> _cpuBefore;
    private readonly Dictionary<(string Who, string Wait), int> _waits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly DateTime _started = DateTime.UtcNow;
    private int _samples;

    private Profile(RunningSystem system, NpgsqlDataSource db)
    {
        (_system, _db) = (system, db);
        _cpuBefore = CpuSeconds();
        _sampling = SampleAsync(_stop.Token);
    }

    public static Profile Start(RunningSystem system) => new(system, NpgsqlDataSource.Create(system.Database.AdminConnectionString));

    /// <summary>Stops sampling and says what it saw, as Markdown.</summary>
    public async Task<string> StopAsync()
    {
        var wall = (DateTime.UtcNow - _started).TotalSeconds;
        await _stop.CancelAsync();
        await _sampling;
        var after = CpuSeconds();
        var cpu = after.Select(a => (a.Key, Seconds: a.Value - _cpuBefore.GetValueOrDefault(a.Key))).Where(c => c.Seconds > 0.05).OrderByDescending(c => c.Seconds).ToList();
        var total = cpu.Sum(c => c.Seconds);
        var lines = new List<string>
        {
            FormattableString.Invariant($"CPU over {wall:F1} s ({Environment.ProcessorCount} cores, {wall * Environment.ProcessorCount:F1} core-seconds available; {total:F1} used):"),
            "",
            "| process | CPU s | share of used |",
            "|---|---:|---:|",
        };
        lines.AddRange(cpu.Select(c => FormattableString.Invariant($"| {c.Key} | {c.Seconds:F1} | {c.Seconds / total:P0} |")));
        lines.Add("");
        lines.Add(FormattableString.Invariant($"PostgreSQL's busy sessions, {_samples} samples every 50 ms (average sessions busy in each state):"));
        lines.Add("");
        lines.Add("| session | waiting on | avg busy sessions |");
        lines.Add("|---|---|---:|");
        lines.AddRange(_waits.OrderByDescending(w => w.Value).Take(15)
            .Select(w => FormattableString.Invariant($"| {w.Key.Who} | {w.Key.Wait} | {(double)w.Value / Math.Max(1, _samples):F2} |")));
        return string.Join('\n', lines);
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using (var command = _db.CreateCommand("""
                    SELECT coalesce(nullif(application_name, ''), backend_type), coalesce(wait_event_type || ':' || wait_event, 'on CPU (no wait)')
                    FROM pg_stat_activity WHERE state NOT IN ('idle') AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                    """))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct))
                    {
                        var key = (reader.GetString(0), reader.GetString(1));
                        _waits[key] = _waits.GetValueOrDefault(key) + 1;
                    }
                _samples++;
                await Task.Delay(50, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Sampling ends when the profile is stopped.
        }
    }

    /// <summary>utime + stime of the system's processes, of this process, and summed over PostgreSQL's and RabbitMQ's processes by name.</summary>
    private Dictionary<string, double> CpuSeconds()
    {
        var seconds = new Dictionary<string, double>();
        foreach (var process in _system.Processes) seconds[process.Name] = Read(process.Pid) ?? 0;
        seconds["el-load (the clients)"] = Read(Environment.ProcessId) ?? 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var comm = TryRead(Path.Combine(dir, "comm"))?.Trim();
            var group = comm switch { "postgres" => "PostgreSQL (all processes)", "beam.smp" => "RabbitMQ", _ => null };
            if (group is not null && Read(pid) is { } used) seconds[group] = seconds.GetValueOrDefault(group) + used;
        }
        return seconds;
    }

    private static double? Read(int pid)
    {
        // Fields after the command (which may hold spaces, so read from the last ')'): utime is the 14th field, stime the 15th.
        var stat = TryRead($"/proc/{pid}/stat");
        if (stat is null) return null;
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _db.DisposeAsync();
        _stop.Dispose();
    }
}
