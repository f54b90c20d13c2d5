using System.Collections.Concurrent;
using System.Diagnostics;

namespace ExecutionLayer.Harness;

/// <summary>
/// One service or the gateway as its own OS process, run from its build output as infra/run.sh runs it,
/// its output kept for the failure message. Disposing kills it and whatever it started.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Configuration a developer's shell may carry (infra/env.sh exports it) that must not leak into a test's process.</summary>
    private static readonly string[] InheritedPrefixes =
        ["ConnectionStrings__", "RabbitMq__", "Gateway__", "Audit__", "Approvals__", "Exceptions__", "Actions__", "Development__", "ReverseProxy__", "Services__", "ASPNETCORE_"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _assembly;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private long _peakMemory;

    private ChildProcess(string name, int port, Process process, string assembly, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = port;
        _process = process;
        _assembly = assembly;
        _environment = environment;
    }

    public string Name { get; }

    public int Port { get; }

    public string BaseAddress => $"http://127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>
    /// The most resident memory the process has had (the kernel's VmHWM), in bytes; after it exited, the
    /// last figure read, so read it (or call <see cref="KillHard"/>, which does) before it goes.
    /// </summary>
    public long PeakMemoryBytes
    {
        get
        {
            if (!_process.HasExited && PeakResident(_process.Id) is { } now) _peakMemory = Math.Max(_peakMemory, now);
            return _peakMemory;
        }
    }

    /// <summary>The last lines it wrote, for a failure message.</summary>
    public string Tail(int lines = 30) => string.Join('\n', _output.TakeLast(lines));

    public static ChildProcess Start(string name, string assembly, int port, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(assembly)) throw new FileNotFoundException($"{name} is not built: {assembly} (build the solution first).", assembly);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.GetDirectoryName(assembly)! },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, port, process, assembly, environment);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for <c>/health/ready</c>; a process that exits or never gets ready fails with its own output.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting:\n{Tail()}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not ready on port {Port} within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>The same program again on the same port with the same configuration, as a supervisor restarts a crashed one.</summary>
    public ChildProcess StartAgain()
    {
        if (!HasExited) throw new InvalidOperationException($"{Name} is still running.");
        var again = Start(Name, _assembly, Port, _environment);
        again._peakMemory = _peakMemory;
        return again;
    }

    /// <summary>kill -9: no shutdown hook, no flush, no goodbye to the broker or the database.</summary>
    public async Task KillHardAsync()
    {
        _ = PeakMemoryBytes;
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true); // SIGKILL on Linux
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process keeps its sockets (connections are accepted by the kernel) but answers nothing — a hung backend.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    public Task ThawAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static long? PeakResident(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null; // it has just exited
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 400) _output.TryDequeue(out _);
        // Warnings and errors are kept longer: an informational flood under load must not push out what went wrong.
        if (!line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) && !line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)) return;
        _notable.Enqueue(line);
        while (_notable.Count > 400) _notable.TryDequeue(out _);
    }

    private readonly ConcurrentQueue<string> _notable = new();

    /// <summary>Whether a warning or error it logged (of its last 400) says this.</summary>
    public bool Warned(string text) => _notable.Any(line => line.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync();
        _process.Dispose();
    }
}
