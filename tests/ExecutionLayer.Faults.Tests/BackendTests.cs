using System.Diagnostics;
using System.Net;

namespace ExecutionLayer.Faults.Tests;

[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class BackendTests(FaultyPlant plant)
{
    [Fact]
    public async Task A_backend_that_is_down_answers_502_at_once_and_one_that_hangs_504_at_its_timeout_and_nothing_is_lost()
    {
        (HttpStatusCode Status, string? Type, TimeSpan Took) down = default, hung = default;
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(3), async () =>
        {
            var approvals = plant.System.Instance("approvals");
            await approvals.KillHardAsync();
            down = await AskForApprovalsAsync();
            approvals = await plant.System.RestartAsync(approvals);

            await approvals.FreezeAsync();
            try
            {
                hung = await AskForApprovalsAsync();
            }
            finally
            {
                await approvals.ThawAsync();
            }
        });

        Assert.Equal(HttpStatusCode.BadGateway, down.Status);
        Assert.Equal("application/problem+json", down.Type);
        Assert.True(down.Took < TimeSpan.FromSeconds(3), $"502 took {down.Took}");
        Assert.Equal(HttpStatusCode.GatewayTimeout, hung.Status);
        Assert.Equal("application/problem+json", hung.Type);
        Assert.True(hung.Took < TimeSpan.FromSeconds(8), $"504 took {hung.Took} (route timeout 4 s)");
        Assert.True(report.Holds, plant.Explain(outcome, report));
    }

    private async Task<(HttpStatusCode, string?, TimeSpan)> AskForApprovalsAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(plant.System.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/approvals?site=OH-DAYTON");
        request.Headers.Add("X-Api-Key", plant.System.Keys.Admin);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, clock.Elapsed);
    }
}
