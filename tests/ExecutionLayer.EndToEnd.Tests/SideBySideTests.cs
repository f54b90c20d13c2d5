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
[Collection(SystemCopies.Name)]
public sealed class SideBySideTests(SideBySideTests.TwoCopies copies) : IClassFixture<SideBySideTests.TwoCopies>
{
    private readonly SystemCopy _first = copies.First;
    private readonly SystemCopy _second = copies.Second;

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

    /// <summary>Both copies, started one after the other (each starts its own PostgreSQL and RabbitMQ), stopped together.</summary>
    public sealed class TwoCopies : IAsyncLifetime
    {
        public SystemCopy First { get; } = new(SystemCopy.FreeBase(avoid: null));

        public SystemCopy Second { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            try
            {
                await First.StartAsync();
                Second = new SystemCopy(SystemCopy.FreeBase(avoid: First.BasePort));
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

}

/// <summary>The tests that start copies of the system by infra/run.sh take turns: each copy has servers of its own, and two cores.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCopies
{
    public const string Name = "system copies";
}
