using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Harness;
using ExecutionLayer.Testing;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// Two copies of the system on one machine, started by infra/run.sh as a developer starts them, told
/// apart by one setting each: EL_BASE_PORT (and the data directory a second checkout has anyway). Each
/// gateway forwards to its own services, and one service restarts by one command with its clock.
/// </summary>
public sealed class SideBySideTests(SideBySideTests.TwoCopies copies) : IClassFixture<SideBySideTests.TwoCopies>
{
    private readonly Copy _first = copies.First;
    private readonly Copy _second = copies.Second;

    [Fact]
    public async Task Two_copies_on_different_base_ports_each_answer_through_their_own_gateway()
    {
        foreach (var copy in new[] { _first, _second })
        {
            using var ready = await copy.Http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains($"http://127.0.0.1:{copy.BasePort}", copy.Started.Output, StringComparison.Ordinal);
        }
        // Keys are made per data directory: one copy's admin is nobody to the other.
        using var stranger = new HttpRequestMessage(HttpMethod.Get, "/api/dev/exceptions/clock") { Headers = { { "X-Api-Key", _first.AdminKey } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await _second.Http.SendAsync(stranger)).StatusCode);

        // Moving the first copy's approvals clock through its gateway moves that service's clock only.
        await _first.MoveClockAsync("approvals", "PT4H");
        Assert.InRange(await _first.ClockOffsetAsync("approvals"), TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(4));
        Assert.Equal(TimeSpan.Zero, await _second.ClockOffsetAsync("approvals"));
    }

    [Fact]
    public async Task A_service_restarts_by_one_command_with_its_clock_where_it_was()
    {
        await _first.MoveClockAsync("exceptions", "PT4H10M");
        var before = await _first.PidsAsync();

        var restart = await _first.RunAsync("restart", "exceptions");
        Assert.True(restart.ExitCode == 0, restart.ToString());

        var after = await _first.PidsAsync();
        Assert.NotEqual(before["exceptions"], after["exceptions"]);
        Assert.True(Alive(after["exceptions"]), "The pid file names a process that is not running.");
        Assert.False(Alive(before["exceptions"]), "The process the restart replaced still runs.");
        Assert.Equal(before.Where(p => p.Key != "exceptions"), after.Where(p => p.Key != "exceptions"));
        Assert.InRange(await _first.ClockOffsetAsync("exceptions"), TimeSpan.FromMinutes(250) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(250));

        var status = await _first.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches($@"exceptions\s+{after["exceptions"]}\s+{_first.BasePort + 1}\s+ready", status.Output);
        var logs = await _first.RunAsync("logs", "exceptions");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        // The log is kept across the restart: the first start's lines, then the second's.
        Assert.Equal(2, logs.Output.Split("==== exceptions started").Length - 1);
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !System.Diagnostics.Process.GetProcessById(pid).HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A base port whose whole set is free: the five processes above it and the servers 47352 higher.</summary>
    private static int FreeBase(int? avoid)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(10_000, 17_900);
            if (avoid is { } other && Math.Abs(candidate - other) < 10) continue;
            int[] ports = [.. Enumerable.Range(candidate, 5), candidate + 47_352, .. Enumerable.Range(candidate + 47_592, 4)];
            if (ports.All(LoopbackPort.IsFree)) return candidate;
        }
        throw new InvalidOperationException("No free base port for a copy of the system.");
    }

    /// <summary>Both copies, started one after the other (each starts its own PostgreSQL and RabbitMQ), stopped together.</summary>
    public sealed class TwoCopies : IAsyncLifetime
    {
        public Copy First { get; } = new(FreeBase(avoid: null));

        public Copy Second { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            try
            {
                await First.StartAsync();
                Second = new Copy(FreeBase(avoid: First.BasePort));
                await Second.StartAsync();
            }
            catch
            {
                // What did start must not outlive a fixture that failed.
                await DisposeAsync();
                throw;
            }
        }

        public async Task DisposeAsync() => await Task.WhenAll(First.StopAsync(), Second is null ? Task.CompletedTask : Second.StopAsync());
    }

    /// <summary>One copy: its base port and a data directory of its own, as a second checkout would have.</summary>
    public sealed class Copy(int basePort)
    {
        // Root's checkout may be closed to the server users, so the data lives under /var/tmp as env.sh does it.
        private readonly string _dataDirectory = $"/var/tmp/executionlayer-copy-{Guid.NewGuid():N}"[..44];

        public int BasePort => basePort;

        public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{basePort}"), Timeout = TimeSpan.FromSeconds(30) };

        public ScriptRun Started { get; private set; } = null!;

        public string AdminKey { get; private set; } = "";

        private Dictionary<string, string> Environment => new() { ["EL_BASE_PORT"] = basePort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["EL_DATA_DIR"] = _dataDirectory };

        public async Task StartAsync()
        {
            // What the tests built, not a Release build of its own: the command a developer runs after `dotnet build`.
            Started = await InfraScript.RunAsync("run.sh", ["--detach", "--configuration", Build.Configuration, "--no-build"], Environment);
            Assert.True(Started.ExitCode == 0, Started.ToString());
            AdminKey = (await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, "dev-credentials.txt")))
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(parts => parts[0] == "dev-admin")[1];
        }

        public Task<ScriptRun> RunAsync(params string[] arguments) => InfraScript.RunAsync("run.sh", arguments, Environment);

        public async Task<Dictionary<string, int>> PidsAsync() =>
            (await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, "run", "processes.pid")))
            .Select(line => line.Split(' ')).ToDictionary(parts => parts[1], parts => int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));

        public async Task MoveClockAsync(string service, string by)
        {
            using var move = new HttpRequestMessage(HttpMethod.Post, $"/api/dev/{service}/clock") { Content = JsonContent.Create(new { by }), Headers = { { "X-Api-Key", AdminKey } } };
            using var answer = await Http.SendAsync(move);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        }

        public async Task<TimeSpan> ClockOffsetAsync(string service)
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/dev/{service}/clock") { Headers = { { "X-Api-Key", AdminKey } } };
            using var answer = await Http.SendAsync(read);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            var offset = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("offset").GetString()!;
            return System.Xml.XmlConvert.ToTimeSpan(offset);
        }

        public async Task StopAsync()
        {
            Http.Dispose();
            await InfraScript.RunAsync("stop.sh", [], Environment);
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A server still closing a file; /var/tmp is cleaned by the system.
            }
        }
    }
}
