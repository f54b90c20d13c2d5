using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// An overtime request no exception case made: the planning tool registered a live-context link, so the notice, the decision
/// page and the decision all read the data now from it — and the policy's drift rule holds the decision until the plant
/// manager confirms on it.
/// </summary>
public sealed class LiveContextLinkTests : IAsyncLifetime
{
    private static readonly int Port = LoopbackPort.Free();
    private readonly ApprovalsApp _app = new(("Approvals:LiveContextOrigins:0", $"http://127.0.0.1:{Port}"));
    private LiveContextSource _planning = null!;

    private static object Impact(decimal valueAtRisk, params string[] customers) => new
    {
        caseSummary = "CNC-4 backlog", productionOrders = new[] { "PR-77" }, valueAtRisk, commitments = customers.Select(c => new { customer = c }),
    };

    public async Task InitializeAsync()
    {
        _planning = await LiveContextSource.StartAsync(Impact(52_000m, "Acme Axles"), Port);
        await _app.InitializeAsync();
        await _app.PutAsync("/policies/overtime", Overtime.Policy() with { Reconfirm = new(ValueAtRiskUpPercent: 25m, NewCustomer: true, Cleared: true) });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _planning.DisposeAsync();
    }

    private async Task<Guid> RequestWithLinkAsync(string url)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(ApprovalsApp.OvertimeRequest()))!;
        body["decisionContext"] = JsonSerializer.SerializeToElement(Impact(52_000m, "Acme Axles"));
        body["liveContextUrl"] = JsonSerializer.SerializeToElement(url);
        return (await _app.PostAsync("/approvals", body, HttpStatusCode.Created, Overtime.Planner)).GetProperty("approvalId").GetGuid();
    }

    [Fact]
    public async Task Value_at_risk_doubling_holds_the_decision_until_the_plant_manager_confirms_on_the_data_now()
    {
        var approvalId = await RequestWithLinkAsync(_planning.Url);
        var notice = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        // Sent with the data now beside the frozen one, and where to read it again.
        var sentWith = notice.Data.GetProperty("contextNow");
        Assert.True(sentWith.GetProperty("live").GetBoolean());
        Assert.Empty(sentWith.GetProperty("needsConfirming").EnumerateArray());
        Assert.Equal($"http://approvals.test/approvals/{approvalId}/context", sentWith.GetProperty("url").GetString());
        Assert.Contains(approvalId.ToString(), _planning.AskedBy);
        // Its text for a chat bridge says the owner was asked, and links both choices.
        var text = notice.Data.GetProperty("text").GetString()!;
        Assert.Contains("**Nothing has changed since it was requested**", text);
        Assert.Contains($"[Approve]({notice.Data.GetProperty("actions").GetProperty("approve").GetProperty("url").GetString()})", text);

        _planning.Answer(Impact(104_000m, "Acme Axles"));
        var contexts = await _app.Client.GetFromJsonAsync<JsonElement>($"/approvals/{approvalId}/context");
        var liveDigest = contexts.GetProperty("liveDigest").GetString()!;
        Assert.Equal(["Value at risk is up 100 % since the request (the policy allows 25 %)."],
            contexts.GetProperty("needsConfirming").EnumerateArray().Select(r => r.GetString()));

        var token = ApprovalsApp.TokenOf(notice, "approve");
        var refused = await _app.DecideAsync(token);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("context-changed", problem.GetProperty("rule").GetString());
        Assert.Equal(liveDigest, problem.GetProperty("liveDigest").GetString());
        Assert.Equal("pending", (await _app.StatusOfAsync(approvalId)).ToLowerInvariant());

        var confirmed = await _app.Client.PostAsJsonAsync("/decisions", new { token, confirmedContext = liveDigest });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var recorded = (await _app.ApprovalAsync(approvalId)).GetProperty("history").EnumerateArray()
            .Single(h => h.GetProperty("type").GetString() == "approvals.decision-recorded").GetProperty("event").GetProperty("context");
        Assert.Equal(liveDigest, recorded.GetProperty("liveDigest").GetString());
        Assert.Single(recorded.GetProperty("confirmedPast").EnumerateArray());
    }

    [Fact]
    public async Task The_page_says_a_new_customer_needs_confirming_and_its_button_confirms_on_what_it_shows()
    {
        var approvalId = await RequestWithLinkAsync(_planning.Url);
        var token = ApprovalsApp.TokenOf(await _app.NoticeForAsync(approvalId, Overtime.PlantManager), "approve");
        _planning.Answer(new { context = Impact(52_000m, "Acme Axles", "Birch Brakes"), cleared = false });

        var page = await _app.Client.GetStringAsync($"/decisions/{token}");
        Assert.Contains("Confirm on the data now", page);
        Assert.Contains("Customers affected since the request: Birch Brakes.", page);
        var digest = ContextSeen.Digest(JsonSerializer.SerializeToElement(Impact(52_000m, "Acme Axles", "Birch Brakes")));
        Assert.Contains($"name=\"confirmedContext\" value=\"{digest}\"", page);

        // The form without the confirmation (an old page) is refused with a page that says why; with it, recorded.
        var stale = await _app.Client.PostAsync("/decisions", new FormUrlEncodedContent([new("token", token)]));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Birch Brakes", await stale.Content.ReadAsStringAsync());
        var posted = await _app.Client.PostAsync("/decisions", new FormUrlEncodedContent([new("token", token), new("confirmedContext", digest)]));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("granted", (await _app.StatusOfAsync(approvalId)).ToLowerInvariant());
    }

    [Fact]
    public async Task With_the_planning_tool_down_the_decision_goes_on_the_frozen_context_and_says_so()
    {
        var approvalId = await RequestWithLinkAsync(_planning.Url);
        var token = ApprovalsApp.TokenOf(await _app.NoticeForAsync(approvalId, Overtime.PlantManager), "approve");
        _planning.AlwaysAnswer = 503;

        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(token)).StatusCode);
        var recorded = (await _app.ApprovalAsync(approvalId)).GetProperty("history").EnumerateArray()
            .Single(h => h.GetProperty("type").GetString() == "approvals.decision-recorded").GetProperty("event").GetProperty("context");
        Assert.False(recorded.GetProperty("live").GetBoolean());
        Assert.Equal("The live-context link answered 503.", recorded.GetProperty("unavailable").GetString());
    }

    [Fact]
    public async Task A_link_outside_the_allowed_origins_is_refused_on_arrival()
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(ApprovalsApp.OvertimeRequest()))!;
        body["liveContextUrl"] = JsonSerializer.SerializeToElement("http://169.254.169.254/latest/meta-data");
        var refused = await _app.As(Overtime.Planner).PostAsJsonAsync("/approvals", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("liveContextUrl", await refused.Content.ReadAsStringAsync());
        Assert.Empty(_planning.AskedBy);
    }
}
