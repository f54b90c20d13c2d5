using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The overtime the planning desk asked for on the CNC-4 case, read at the end of the day: the context it was requested on,
/// the case's impact now from the exceptions service, and what changed — and, with the exceptions service down, the frozen
/// context alone, saying why.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class LiveContextTests(PlantDayRun run)
{
    [Fact]
    public async Task An_approver_sees_the_context_as_requested_the_context_now_and_what_changed()
    {
        var approval = run.Cast.PlanningDesk.Api.Approvals[run.Day.OvertimeApprovalId];
        var contexts = (await approval.Context.GetAsync())!;

        Assert.True(contexts.Live, contexts.Unavailable);
        var machineCase = (await run.Cast.PlanningDesk.Api.Exceptions[run.Day.MachineCaseId].GetAsync())!;
        // CNC-4 ran again before the day ended: the deviation the overtime was asked for has cleared.
        Assert.Equal(machineCase.State!.Status is CaseStatus.Resolved or CaseStatus.Closed, contexts.Drift!.Cleared);
        Assert.Equal(JsonPaths.AsJson(contexts.AsRequested!).GetProperty("valueAtRisk").GetDecimal(), (decimal)contexts.Drift.ValueAtRiskThen!.Value);
        Assert.NotNull(contexts.Now);
    }

    [Fact]
    public async Task With_the_owner_down_the_frozen_context_stands_and_says_why()
    {
        var exceptions = run.System.Instance("exceptions");
        await exceptions.KillHardAsync();
        try
        {
            var contexts = (await run.Cast.PlanningDesk.Api.Approvals[run.Day.OvertimeApprovalId].Context.GetAsync())!;
            Assert.False(contexts.Live);
            Assert.Null(contexts.Now);
            Assert.Contains("exceptions service", contexts.Unavailable, StringComparison.Ordinal);
            Assert.True(JsonPaths.AsJson(contexts.AsRequested!).GetProperty("valueAtRisk").GetDecimal() > 0);
        }
        finally
        {
            await run.System.RestartAsync(exceptions);
        }
    }

    [Fact]
    public async Task The_decision_on_the_overtime_keeps_what_the_approver_decided_on()
    {
        var decisions = (await run.Cast.Auditor.Api.Audit.Decisions.GetAsync(q => q.QueryParameters.ApprovalId = run.Day.OvertimeApprovalId))!.Decisions!;
        Assert.NotEmpty(decisions);
        foreach (var decision in decisions)
        {
            var seen = JsonPaths.AsJson(decision.ContextSeen!);
            // The case was live when it was decided: both digests, and what had changed by then.
            Assert.True(seen.GetProperty("live").GetBoolean(), seen.ToString());
            Assert.StartsWith("sha256:", seen.GetProperty("requestedDigest").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("sha256:", seen.GetProperty("liveDigest").GetString(), StringComparison.Ordinal);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, seen.GetProperty("drift").ValueKind);
        }
    }
}
