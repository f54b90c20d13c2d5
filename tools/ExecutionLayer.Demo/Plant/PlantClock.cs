using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// The services' development clocks (<c>/api/dev/{service}/clock</c>, admin only), moved together so
/// "nobody answered for four hours" takes seconds. They only move forward.
/// </summary>
public sealed class PlantClock(GatewayClient admin)
{
    /// <summary>The latest of the services' clocks: moving to anything earlier would be refused.</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        var readings = await Task.WhenAll(Clocks().Select(c => c.Read(ct)));
        return readings.Max(r => r!.Now!.Value);
    }

    public async Task MoveToAsync(DateTimeOffset to, CancellationToken ct)
    {
        foreach (var (_, move) in Clocks()) await move(new MoveClock { To = to }, ct);
    }

    /// <summary>The next Monday midnight (UTC) from which a whole day still lies ahead of every clock.</summary>
    public static DateTimeOffset NextMonday(DateTimeOffset now)
    {
        var monday = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(((int)DayOfWeek.Monday - (int)now.UtcDateTime.DayOfWeek + 7) % 7);
        return monday.AddHours(6) > now ? monday : monday.AddDays(7);
    }

    /// <summary>
    /// Each service's clock, read and moved: the gateway publishes each at its own path, so each is its own
    /// operation of the description (and its own type in the generated client) with the same shape.
    /// </summary>
    private IEnumerable<(Func<CancellationToken, Task<ClockReading?>> Read, Func<MoveClock, CancellationToken, Task<ClockReading?>> Move)> Clocks()
    {
        var dev = admin.Api.Dev;
        yield return (ct => dev.Exceptions.Clock.GetAsync(cancellationToken: ct), (to, ct) => dev.Exceptions.Clock.PostAsync(to, cancellationToken: ct));
        yield return (ct => dev.Approvals.Clock.GetAsync(cancellationToken: ct), (to, ct) => dev.Approvals.Clock.PostAsync(to, cancellationToken: ct));
        yield return (ct => dev.Actions.Clock.GetAsync(cancellationToken: ct), (to, ct) => dev.Actions.Clock.PostAsync(to, cancellationToken: ct));
        yield return (ct => dev.Audit.Clock.GetAsync(cancellationToken: ct), (to, ct) => dev.Audit.Clock.PostAsync(to, cancellationToken: ct));
    }
}
