
namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// The services react through the bus, so a read may come before the effect it looks for: ask again
/// until it is there, or say plainly what never came.
/// </summary>
public static class Waiting
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<T> UntilAsync<T>(string what, Func<Task<T?>> probe, CancellationToken ct) where T : class
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what}.");
            await Task.Delay(100, ct);
        }
    }
}
