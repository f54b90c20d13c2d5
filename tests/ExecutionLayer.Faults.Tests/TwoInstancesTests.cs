using ExecutionLayer.Load;

namespace ExecutionLayer.Faults.Tests;

/// <summary>Every service twice behind the gateway, on the same servers as the other faults: one of each dies under load.</summary>
[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private readonly RunningSystem _system = new(new SystemShape(Instances: 2, ShiftableClock: false));
    private LoadRun _load = null!;

    // The collection's servers must be up (and this process pointed at them) before this system starts.
    public TwoInstancesTests(FaultyPlant plant) => _ = plant;

    public async Task InitializeAsync()
    {
        await _system.InitializeAsync();
        _load = await LoadRun.StartAsync(_system, seed: 11, CancellationToken.None);
    }

    [Fact]
    public async Task Two_instances_of_each_service_process_everything_once_and_the_survivors_take_over_the_dead_ones_subscriptions()
    {
        var load = _load.DriveAsync(FaultyPlant.Burst, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var firsts = SystemShape.ServiceNames.Select(s => _system.Instance(s)).ToList();
        await Task.WhenAll(firsts.Select(p => p.KillHardAsync()));
        var outcome = await load;
        var report = await _load.ReconcileAsync(TimeSpan.FromMinutes(3), CancellationToken.None);

        Assert.True(report.Holds, $"{report.Failures}\n{_system.Logs()}");
        Assert.Equal(0, _load.Latencies.TotalAbandoned);
        Assert.Empty(outcome.Failures);
        Assert.All(firsts, p => Assert.True(p.HasExited));
    }

    public async Task DisposeAsync()
    {
        if (_load is not null) await _load.DisposeAsync();
        await _system.DisposeAsync();
    }
}
