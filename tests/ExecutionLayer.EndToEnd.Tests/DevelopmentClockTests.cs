using System.Net;
using System.Net.Http.Json;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>The clock the day was played with: admin only, forward only, and the services stay behind the gateway.</summary>
[Collection(PlantDayCollection.Name)]
public sealed class DevelopmentClockTests(PlantDayRun run)
{
    [Fact]
    public async Task Only_an_admin_may_move_a_services_clock_and_never_backwards()
    {
        var now = (await run.Cast.Admin.GetAsync("/api/dev/actions/clock")).At("now").GetDateTimeOffset();
        var refused = await Assert.ThrowsAsync<ApiException>(() => run.Cast.Erp.PostAsync("/api/dev/actions/clock", new { by = "PT1H" }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var backwards = await Assert.ThrowsAsync<ApiException>(() => run.Cast.Admin.PostAsync("/api/dev/actions/clock", new { to = now.AddHours(-1) }));
        Assert.Equal(HttpStatusCode.Conflict, backwards.Status);
        var both = await Assert.ThrowsAsync<ApiException>(() => run.Cast.Admin.PostAsync("/api/dev/actions/clock", new { to = now.AddHours(1), by = "PT1H" }));
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.InRange((await run.Cast.Admin.GetAsync("/api/dev/actions/clock")).At("now").GetDateTimeOffset(), now, now.AddMinutes(1));
    }

    [Fact]
    public async Task A_service_called_around_the_gateway_refuses()
    {
        using var direct = new HttpClient();
        foreach (var service in run.System.Processes.Where(p => p.Name != "gateway"))
        {
            var answer = await direct.PostAsJsonAsync($"{service.BaseAddress}/dev/clock", new { by = "P1D" });
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
    }
}
