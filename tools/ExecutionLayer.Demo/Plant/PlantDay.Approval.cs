using System.Text.Json;
using ExecutionLayer.Client.Models;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>09:06: planning asks for Saturday overtime through the case; the plant manager gets a signed link.</summary>
    private async Task AskForOvertimeAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 9, 6), "Planning asks for Saturday overtime (USD 18,000) to recover the CNC-4 backlog", ct);
        await cast.PlanningDesk.Api.Exceptions[_record.MachineCaseId].ApprovalRequests.PostAsync(new RequestApproval
        {
            RequestId = Guid.NewGuid(), SubjectType = "overtime", SubjectId = $"{Site}/{At(5, 0):yyyy-MM-dd}", Amount = 18_000, Currency = "USD",
            Reason = "Saturday shift to recover the CNC-4 backlog for SO-1001",
        }, cancellationToken: ct);
        var notice = await narrator.WhileAsync("approvals: resolving the policy, notifying the approver through the bridge",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == PlantManager, Waiting.Patience, ct));
        _record.RequestedNotice = notice.Data;
        _record.OvertimeApprovalId = notice.ApprovalId;
        narrator.Fact($"approval {notice.ApprovalId} under policy {notice.Data.Text("policy.id")} v{notice.Data.At("policy.version")}; " +
                      $"stage '{notice.Data.Text("stage.name")}' due {notice.Data.At("stage.dueAt").GetDateTimeOffset():ddd HH:mm}");
        narrator.Fact($"the bridge got a signed notice for {notice.Approver} with approve/reject links; decision context: " +
                      $"{ContextLine(notice.Data.At("decisionContext"))}");
    }

    /// <summary>12:59 nothing yet; 13:06 the step escalates to the director, who approves at 13:40 on the same context.</summary>
    private async Task EscalateAndApproveAsync(CancellationToken ct)
    {
        var approval = cast.PlanningDesk.Api.Approvals[_record.OvertimeApprovalId];
        await MoveToAsync(At(0, 12, 59), "Nobody has answered the plant manager", ct);
        // Long enough for the deadline poller and the webhook sender to have acted, were anything due.
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        _record.ApprovalBeforeSla = (await approval.GetAsync(cancellationToken: ct))!;
        _record.NoticesBeforeSla = [.. bridge.Notices.Select(n => $"{n.Type}:{n.Approver}")];
        narrator.Fact($"still {Camel(_record.ApprovalBeforeSla.State?.Status)} at level {_record.ApprovalBeforeSla.State?.Stage?.Level} with {PlantManager}");

        await MoveToAsync(At(0, 13, 7), "The 4-hour SLA has passed", ct);
        var escalated = await narrator.WhileAsync("approvals: escalating the stalled step",
            () => bridge.WaitForAsync("approval.escalated", n => n.Approver == Director, Waiting.Patience, ct));
        _record.EscalatedNotice = escalated.Data;
        var same = JsonElement.DeepEquals(escalated.Data.At("decisionContext"), _record.RequestedNotice.At("decisionContext"));
        narrator.Fact($"escalated to {Director} (operations director); same decision context as the plant manager was sent: {(same ? "yes" : "NO")}");

        await MoveToAsync(At(0, 13, 40), $"{Director} approves from the bridge's link", ct);
        await bridge.ClickAsync(cast.DecisionLinks, escalated, "approve", "Approved to protect SO-1001's promise date", ct);
        _record.DecidedApproval = (await approval.GetAsync(cancellationToken: ct))!;
        narrator.Fact($"approval {Camel(_record.DecidedApproval.State?.Status)} by {Director}");
        _record.MachineCaseAfterDecision = await narrator.WhileAsync("exceptions: hearing the decision on the case",
            () => Waiting.UntilAsync("the case hearing of the approval", async () =>
            {
                var found = await CaseAsync(_record.MachineCaseId, ct);
                return HasEvent(found, "exceptions.approval-decided") ? found : null;
            }, ct));
        narrator.Fact("the CNC-4 case records the granted overtime");
    }

    /// <summary>What the approver is shown, in a line: the live impact the decision is taken on.</summary>
    private static string ContextLine(JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object) return "(none)";
        var commitments = context.Items("commitments").Select(c =>
            $"{c.Text("salesOrderId")} for {c.Text("customer")} promised {c.At("promiseDate").GetDateTimeOffset():ddd HH:mm}");
        return $"{context.Text("caseSummary")}; value at risk {context.At("valueAtRisk")}; {string.Join(", ", commitments)}; " +
               $"orders {string.Join(", ", context.Texts("productionOrders"))}; shipments {string.Join(", ", context.Texts("shipments"))} " +
               $"(as assessed {context.At("assessedAt").GetDateTimeOffset():ddd HH:mm:ss})";
    }
}
