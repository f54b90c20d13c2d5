using System.Net;
using System.Net.Http.Json;
using ExecutionLayer.Client.Models;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>The clock the day was played with: admin only, forward only, and the services stay behind the gateway.</summary>
[Collection(PlantDayCollection.Name)]
public sealed class DevelopmentClockTests(PlantDayRun run)
{
    [Fact]
    public async Task Only_an_admin_may_move_a_services_clock_and_never_backwards()
    {
        var (asAdmin, asErp) = (run.Cast.Admin.Api.Dev.Actions.Clock, run.Cast.Erp.Api.Dev.Actions.Clock);
        var now = (await asAdmin.GetAsync())!.Now!.Value;
        // The generated client writes the duration as ISO-8601 (PT1H): read, then refused for the caller, not for the body.
        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => asErp.PostAsync(new MoveClock { By = TimeSpan.FromHours(1) }));
        Assert.Equal(HttpStatusCode.Forbidden, (HttpStatusCode)refused.ResponseStatusCode);
        var backwards = await Assert.ThrowsAsync<ProblemDetails>(() => asAdmin.PostAsync(new MoveClock { To = now.AddHours(-1) }));
        Assert.Equal(HttpStatusCode.Conflict, (HttpStatusCode)backwards.ResponseStatusCode);
        var both = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => asAdmin.PostAsync(new MoveClock { To = now.AddHours(1), By = TimeSpan.FromHours(1) }));
        Assert.Equal(HttpStatusCode.BadRequest, (HttpStatusCode)both.ResponseStatusCode);
        Assert.InRange((await asAdmin.GetAsync())!.Now!.Value, now, now.AddMinutes(1));
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
