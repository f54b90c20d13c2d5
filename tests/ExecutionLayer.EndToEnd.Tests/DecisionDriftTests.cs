using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using Microsoft.Kiota.Abstractions.Serialization;
using static ExecutionLayer.Demo.Plant.Cast;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// Decisions on live data, through the gateway on the real processes: the rush order that doubled what the CNC-4 stop holds up
/// before the director decided, the hold released before the quality lead decided, and the owner of the context down when a
/// decision is posted.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class DecisionDriftTests(PlantDayRun run)
{
    [Fact]
    public async Task Value_at_risk_doubling_before_the_director_decides_holds_her_click_until_she_confirms_on_the_data_now()
    {
        var held = run.Day.OvertimeHeld;
        Assert.NotNull(held);
        Assert.Equal(["Value at risk is up 108.3 % since the request (the policy allows 50 %).", "Customers affected since the request: Birch Brakes."], held.Reasons);
        // The escalation notice said so already, with the data now beside the frozen context.
        Assert.Equal(held.Reasons, run.Day.EscalatedNotice.Texts("contextNow.needsConfirming"));
        Assert.Equal(100_000m, run.Day.EscalatedNotice.At("contextNow.drift.valueAtRiskNow").GetDecimal());
        Assert.Equal(ApprovalStatus.Granted, run.Day.DecidedApproval.State!.Status);

        var seen = await DecisionSeenAsync(run.Day.OvertimeApprovalId, Director);
        Assert.Equal(held.LiveDigest, seen.GetProperty("liveDigest").GetString());
        Assert.Equal(held.Reasons, seen.GetProperty("confirmedPast").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_hold_released_before_the_quality_lead_decides_holds_her_click_until_she_confirms_on_the_data_now()
    {
        Assert.Equal(["The deviation has cleared since the request."], run.Day.DeviationHeld.Reasons);
        Assert.Equal(ApprovalStatus.Rejected, run.Day.DeviationDecided.State!.Status);

        var seen = await DecisionSeenAsync(run.Day.DeviationDecided.ApprovalId!.Value, QualityLead);
        Assert.True(seen.GetProperty("drift").GetProperty("cleared").GetBoolean());
        Assert.Equal(run.Day.DeviationHeld.LiveDigest, seen.GetProperty("liveDigest").GetString());
    }

    [Fact]
    public async Task With_the_exceptions_service_down_a_decision_goes_on_the_frozen_context_and_records_why()
    {
        // A second Saturday asked for on the CNC-4 case's data, decided while the case's owner is down.
        var requested = (await run.Cast.PlanningDesk.Api.Approvals.PostAsync(new RequestApprovalBody
        {
            RequestId = Guid.NewGuid(), Subject = new() { Type = "overtime", Id = $"{Site}/second-saturday" }, Site = Site, Amount = 9_000, Currency = "USD",
            Reason = "A second Saturday shift for the CNC-4 backlog", CorrelationId = $"case-{run.Day.MachineCaseId}",
            DecisionContext = new UntypedObject(new Dictionary<string, UntypedNode> { ["valueAtRisk"] = new UntypedInteger(100_000) }),
        }))!;
        var notice = await run.Bridge.WaitForAsync("approval.requested", n => n.ApprovalId == requested.ApprovalId, TimeSpan.FromSeconds(60), CancellationToken.None);

        var exceptions = run.System.Instance("exceptions");
        await exceptions.KillHardAsync();
        try
        {
            var decided = await run.Bridge.ClickAsync(run.Cast.DecisionLinks, notice, "approve", "Approved on the data as requested", CancellationToken.None);
            Assert.Equal(ApprovalStatus.Granted, decided!.Status);
        }
        finally
        {
            await run.System.RestartAsync(exceptions);
        }
        var seen = await DecisionSeenAsync(requested.ApprovalId!.Value, PlantManager);
        Assert.False(seen.GetProperty("live").GetBoolean());
        Assert.Contains("exceptions service", seen.GetProperty("unavailable").GetString(), StringComparison.Ordinal);
    }

    /// <summary>What this approver decided on, as the auditor's decisions view keeps it.</summary>
    private async Task<JsonElement> DecisionSeenAsync(Guid approvalId, string approver)
    {
        var decisions = (await run.Cast.Auditor.Api.Audit.Decisions.GetAsync(q => q.QueryParameters.ApprovalId = approvalId))!.Decisions!;
        return JsonPaths.AsJson(Assert.Single(decisions, d => d.DecidedBy == approver).ContextSeen!);
    }
}
