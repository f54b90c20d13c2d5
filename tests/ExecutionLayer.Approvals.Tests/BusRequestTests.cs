using RequestApproval = ExecutionLayer.Approvals.Requests.RequestApproval;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>An exception case asks for a decision over the bus; its request id is how it hears back.</summary>
public sealed class BusRequestTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    private static ApprovalNeeded Needed(Guid requestId, string subjectType = "overtime") => new(
        requestId, Guid.Parse("7a0c2c55-0000-4000-8000-000000000007"), "OH-DAYTON", subjectType, "OH-DAYTON/2026-11-28", 18_000m, "USD", "High",
        Overtime.Planner, "Saturday shift to recover CNC-4",
        new DecisionContext("CNC-4 down (spindle fault)", ["PR-77"], ["L-5521"], ["SH-900"],
            [new CommitmentAtRisk("SO-1001", "Acme Axles", Overtime.Monday.AddDays(4), 52_000m, "USD")], 52_000m, Overtime.AskedAt),
        Overtime.AskedAt);

    [Fact]
    public async Task A_case_asking_for_overtime_gets_a_request_routed_to_the_plant_manager_with_the_cases_impact_as_context()
    {
        var requestId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Needed(requestId));

        var approvalId = RequestApproval.IdFor(requestId);
        var notice = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        Assert.Equal("case-7a0c2c55-0000-4000-8000-000000000007", notice.Data.GetProperty("correlationId").GetString());
        Assert.Equal("SO-1001", notice.Data.GetProperty("decisionContext").GetProperty("commitments")[0].GetProperty("salesOrderId").GetString());

        Assert.Equal(System.Net.HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(notice, "approve"))).StatusCode);
        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant");
        Assert.Equal(requestId, granted.ExternalReference);
    }

    [Fact]
    public async Task A_redelivered_or_repeated_ask_makes_one_request()
    {
        var requestId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Needed(requestId), messageId);
        await _app.Bus.PublishAsync(Needed(requestId), messageId);
        await _app.Bus.PublishAsync(Needed(requestId));

        var approvalId = RequestApproval.IdFor(requestId);
        await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM approvals.inbox") >= 2, "both message ids handled");
        Assert.Equal(1, await _app.CountAsync($"SELECT count(*) FROM approvals.mt_events WHERE stream_id = 'approval-{approvalId}' AND type = 'approvals.approval-requested'"));
    }

    [Fact]
    public async Task An_ask_no_policy_governs_is_refused_as_such_and_the_case_hears_so()
    {
        var requestId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Needed(requestId, subjectType: "expedite"));

        var refused = await _app.Bus.WaitForAsync<ApprovalRefused>(r => r.ExternalReference == requestId, "the refusal");
        Assert.Contains("No policy governs expedite", refused.Why);
        Assert.Equal("refused", await _app.StatusOfAsync(refused.ApprovalId));
        Assert.DoesNotContain(_app.Bus.Received<ApprovalRejected>(), r => r.ExternalReference == requestId);
    }
}
