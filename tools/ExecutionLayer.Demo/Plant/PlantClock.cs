using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// The services' development clocks (<c>/api/dev/{service}/clock</c>, admin only), moved together so
/// "nobody answered for four hours" takes seconds. They only move forward.
/// </summary>
public sealed class PlantClock(GatewayClient admin)
{
    public static readonly string[] Services = ["exceptions", "approvals", "actions", "audit"];

    /// <summary>The latest of the services' clocks: moving to anything earlier would be refused.</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        var readings = await Task.WhenAll(Services.Select(s => admin.GetAsync($"/api/dev/{s}/clock", ct)));
        return readings.Max(r => r.At("now").GetDateTimeOffset());
    }

    public async Task MoveToAsync(DateTimeOffset to, CancellationToken ct)
    {
        foreach (var service in Services) await admin.PostAsync($"/api/dev/{service}/clock", new { to }, ct);
    }

    /// <summary>The next Monday midnight (UTC) from which a whole day still lies ahead of every clock.</summary>
    public static DateTimeOffset NextMonday(DateTimeOffset now)
    {
        var monday = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(((int)DayOfWeek.Monday - (int)now.UtcDateTime.DayOfWeek + 7) % 7);
        return monday.AddHours(6) > now ? monday : monday.AddDays(7);
    }
}
