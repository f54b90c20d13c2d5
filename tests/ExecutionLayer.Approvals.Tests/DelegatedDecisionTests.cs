using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Approvals;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Pat is away this week and has delegated overtime decisions to Dee.</summary>
public sealed class DelegatedDecisionTests : IAsyncLifetime
{
    private const string Deputy = "dee.deputy";
    private readonly ApprovalsApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        // Pat delegates her own seat: who delegates is the signed caller.
        await _app.PostAsync("/delegations", new
        {
            to = Deputy, subjectTypes = new[] { "overtime" }, validFrom = Overtime.Monday, validUntil = Overtime.Monday.AddDays(7), reason = "Leave",
        }, HttpStatusCode.Created, Overtime.PlantManager);
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task The_deputy_sees_the_request_as_pending_for_pat_and_decides_it_in_his_seat()
    {
        var approvalId = await _app.RequestOvertimeAsync();

        var pending = await _app.Client.GetFromJsonAsync<JsonElement>($"/approvals/pending?approver={Deputy}");
        var mine = Assert.Single(pending.EnumerateArray());
        Assert.Equal((approvalId, Overtime.PlantManager), (mine.GetProperty("request").GetProperty("approvalId").GetGuid(), mine.GetProperty("onBehalfOf").GetString()));
        Assert.Single((await _app.Client.GetFromJsonAsync<JsonElement>($"/approvals/pending?approver={Overtime.PlantManager}")).EnumerateArray());

        var notice = await _app.NoticeForAsync(approvalId, Deputy);
        Assert.Equal(Overtime.PlantManager, notice.Data.GetProperty("recipient").GetProperty("onBehalfOf").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(notice, "approve"))).StatusCode);

        await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId && g.DecidedBy == Deputy, "the grant by the deputy");
        Assert.Empty((await _app.Client.GetFromJsonAsync<JsonElement>($"/approvals/pending?approver={Overtime.PlantManager}")).EnumerateArray());
        var pats = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        Assert.Equal(HttpStatusCode.Conflict, (await _app.DecideAsync(ApprovalsApp.TokenOf(pats, "approve"))).StatusCode);
    }

    [Fact]
    public async Task Delegating_to_oneself_or_back_round_a_loop_is_unprocessable()
    {
        var window = new { validFrom = Overtime.Monday, validUntil = Overtime.Monday.AddDays(3) };

        var self = await _app.As(Deputy).PostAsJsonAsync("/delegations", new { to = Deputy, window.validFrom, window.validUntil });
        var loop = await _app.As(Deputy).PostAsJsonAsync("/delegations", new { to = Overtime.PlantManager, window.validFrom, window.validUntil });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, loop.StatusCode);
        Assert.Equal("delegation-loop", (await loop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
        Assert.Single((await _app.Client.GetFromJsonAsync<JsonElement>($"/delegations?person={Deputy}")).EnumerateArray());
    }
}
