using System.Diagnostics;
using System.Net;
using System.Text;

namespace ExecutionLayer.Gateway.Tests;

[Collection(FrontDoorCollection.Name)]
public sealed class LimitsTests(FrontDoor door)
{
    [Fact]
    public async Task A_client_over_its_rate_is_429_with_retry_after_and_other_clients_are_not_held_back()
    {
        using var throttled = door.Client("throttled");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await throttled.GetAsync("/api/actions?limit=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.NotNull(refused);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 4, string.Join(",", statuses));
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");

        using var admin = door.Client("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/actions?limit=1")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_routes_limit_is_413_and_nothing_is_written()
    {
        using var admin = door.Client("admin");
        var before = await (await admin.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        var huge = new StringContent("{\"title\":\"" + new string('x', 300 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var problem = await (await admin.PostAsync("/api/actions", huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("262144", problem.GetProperty("detail").GetString());
        var after = await (await admin.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(before.GetArrayLength(), after.GetArrayLength());
    }

    [Fact]
    public async Task A_service_that_is_down_answers_502_at_once()
    {
        using var admin = door.Client("admin");
        var clock = Stopwatch.StartNew();
        var problem = await (await admin.GetAsync("/api/metrics/down/execution")).ProblemAsync(HttpStatusCode.BadGateway);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("Service unreachable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_service_that_hangs_answers_504_when_the_routes_timeout_passes()
    {
        using var admin = door.Client("admin");
        var clock = Stopwatch.StartNew();
        var problem = await (await admin.GetAsync("/api/metrics/hung/execution")).ProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal("Service timed out", problem.GetProperty("title").GetString());
    }
}
