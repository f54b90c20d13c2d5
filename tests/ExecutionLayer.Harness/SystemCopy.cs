using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Testing;
using Xunit;

namespace ExecutionLayer.Harness;

/// <summary>
/// A copy of the whole system started by infra/run.sh as a developer starts it — the command, not a harness of its
/// own — on a base port and a data directory of its own, as a second checkout would have; from what the tests built.
/// </summary>
public sealed class SystemCopy(int basePort)
{
    // Root's checkout may be closed to the server users, so the data lives under /var/tmp as env.sh does it.
    private readonly string _dataDirectory = $"/var/tmp/executionlayer-copy-{Guid.NewGuid():N}"[..44];

    public int BasePort => basePort;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{basePort}"), Timeout = TimeSpan.FromSeconds(30) };

    public ScriptRun Started { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    /// <summary>What tells this copy apart in a shell: its base port and its data directory.</summary>
    public Dictionary<string, string> Environment => new() { ["EL_BASE_PORT"] = basePort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["EL_DATA_DIR"] = _dataDirectory };

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

    /// <summary>A base port whose whole set is free: the five processes above it and the servers 47352 higher.</summary>
    public static int FreeBase(int? avoid)
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
}
