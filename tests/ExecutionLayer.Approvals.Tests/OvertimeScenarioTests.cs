using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>09:06 planning asks for Saturday overtime; nobody answers by 13:06; the director approves at 13:40, seeing the same context.</summary>
public sealed class OvertimeScenarioTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Not_answered_in_four_hours_it_escalates_to_the_director_who_approves_on_the_same_context()
    {
        var approvalId = await _app.RequestOvertimeAsync();

        var toPat = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        Assert.True(toPat.SignatureValid);
        Assert.True(JsonElement.DeepEquals(Overtime.Context, toPat.Data.GetProperty("decisionContext")), "the context as the requester gave it");
        Assert.StartsWith("http://approvals.test/decisions/", toPat.Data.GetProperty("actions").GetProperty("approve").GetProperty("url").GetString());

        _app.Clock.Set(Overtime.AskedAt.AddHours(4).AddMinutes(-1));
        await Task.Delay(1500);
        Assert.DoesNotContain(_app.Bridge.Received, w => w.Type == "approval.escalated");

        _app.Clock.Set(Overtime.AskedAt.AddHours(4));
        var toDirector = await _app.NoticeForAsync(approvalId, Overtime.Director, "approval.escalated");
        Assert.True(toDirector.SignatureValid);
        Assert.Equal(toPat.Data.GetProperty("decisionContext").GetRawText(), toDirector.Data.GetProperty("decisionContext").GetRawText());
        Assert.Equal(1, toDirector.Data.GetProperty("stage").GetProperty("level").GetInt32());

        // Pat's link was overtaken when the stage was reassigned.
        Assert.Equal(HttpStatusCode.Conflict, (await _app.DecideAsync(ApprovalsApp.TokenOf(toPat, "approve"))).StatusCode);

        _app.Clock.Set(Overtime.AskedAt.AddHours(4).AddMinutes(34));
        var decided = await _app.DecideAsync(ApprovalsApp.TokenOf(toDirector, "approve"), "Approved to protect SO-1001");
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);

        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant on the bus");
        Assert.Equal((Overtime.Director, "overtime", 1, "case-cnc-4"), (granted.DecidedBy, granted.PolicyId, granted.PolicyVersion, granted.CorrelationId));
        Assert.Equal(Overtime.AskedAt.AddHours(4).AddMinutes(34), granted.GrantedAt);
        Assert.Equal("Staff the Saturday shift", Assert.Single(granted.FollowUps!).Title);

        var history = (await _app.ApprovalAsync(approvalId)).GetProperty("history").EnumerateArray().ToList();
        var escalation = history.Single(h => h.GetProperty("type").GetString() == "approvals.stage-escalated").GetProperty("event");
        Assert.Equal("timer", escalation.GetProperty("trigger").GetString());
        Assert.Equal("approvals:sla", history.Single(h => h.GetProperty("type").GetString() == "approvals.stage-escalated").GetProperty("actor").GetString());
        Assert.Equal(Overtime.Director, history.Single(h => h.GetProperty("type").GetString() == "approvals.decision-recorded").GetProperty("actor").GetString());

        var outcome = await _app.Bridge.WaitForAsync(w => w.Type == "approval.decided" && w.Data.GetProperty("approvalId").GetGuid() == approvalId, "the outcome notice");
        Assert.Equal("granted", outcome.Data.GetProperty("outcome").GetString());

        var latency = await _app.Client.GetFromJsonAsync<JsonElement>("/approvals/latency?policyId=overtime&site=OH-DAYTON");
        Assert.Equal(TimeSpan.FromMinutes(274).TotalSeconds, latency[0].GetProperty("p50Seconds").GetDouble(), 0.001);
    }

    [Fact]
    public async Task A_stage_past_its_sla_with_nobody_above_is_listed_as_stalled_until_it_is_decided()
    {
        await _app.PutAsync("/policies/overtime", Overtime.Policy() with { Stages = [Overtime.Policy().Stages[0] with { Escalation = [] }] });
        var approvalId = await _app.RequestOvertimeAsync();
        var toPat = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        _app.Clock.Set(Overtime.AskedAt.AddHours(5));

        var stalled = await _app.Client.GetFromJsonAsync<JsonElement>("/approvals/stalled?site=OH-DAYTON");
        Assert.Contains(stalled.EnumerateArray(), s => s.GetProperty("approvalId").GetGuid() == approvalId);

        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(toPat, "reject"), "Use the Tuesday slot")).StatusCode);
        var rejected = await _app.Bus.WaitForAsync<ApprovalRejected>(r => r.ApprovalId == approvalId, "the rejection");
        Assert.Equal("Use the Tuesday slot", rejected.Comment);
        Assert.DoesNotContain((await _app.Client.GetFromJsonAsync<JsonElement>("/approvals/stalled")).EnumerateArray(),
            s => s.GetProperty("approvalId").GetGuid() == approvalId);
    }

    [Fact]
    public async Task A_request_keeps_the_policy_version_it_was_resolved_with()
    {
        var before = await _app.RequestOvertimeAsync();
        var published = await _app.PutAsync("/policies/overtime", Overtime.Policy(sla: "PT2H"));
        Assert.Equal(2, published.GetProperty("version").GetInt32());
        Assert.False((await _app.PutAsync("/policies/overtime", Overtime.Policy(sla: "PT2H"))).GetProperty("changed").GetBoolean());
        var after = await _app.RequestOvertimeAsync();

        Assert.Equal(1, (await _app.ApprovalAsync(before)).GetProperty("state").GetProperty("policyVersion").GetInt32());
        Assert.Equal(2, (await _app.ApprovalAsync(after)).GetProperty("state").GetProperty("policyVersion").GetInt32());
        var v1 = await _app.Client.GetFromJsonAsync<JsonElement>("/policies/overtime?version=1");
        Assert.Equal("PT4H", v1.GetProperty("definition").GetProperty("stages")[0].GetProperty("sla").GetString());
    }

    [Fact]
    public async Task An_undecided_request_expires_and_the_requester_hears_so()
    {
        var approvalId = await _app.RequestOvertimeAsync();

        _app.Clock.Set(Overtime.AskedAt.AddDays(2));

        var expired = await _app.Bus.WaitForAsync<ApprovalExpired>(e => e.ApprovalId == approvalId, "the expiry on the bus");
        Assert.Equal("case-cnc-4", expired.CorrelationId);
        Assert.Equal("expired", await _app.StatusOfAsync(approvalId));
    }
}
