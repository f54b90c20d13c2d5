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

    /// <summary>
    /// 11:15: sales books a rush order for Birch Brakes on the stopped CNC-4 — the case now holds up twice the value, for a customer
    /// the overtime request did not name.
    /// </summary>
    private async Task BookARushOrderAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 11, 15), "Sales books a rush order: SO-1002 for Birch Brakes (USD 52,000), PR-79 on the stopped CNC-4", ct);
        await PostEventsAsync(ct,
            Event("so-1002", "sap-oh", "sales-order/SO-1002", At(0, 11, 15), new SalesOrderConfirmedEvent { Data = new()
                { OrderId = "SO-1002", Customer = "Birch Brakes", Item = "AXLE-40", Quantity = 400, PromiseDate = Friday, Value = 52_000, Currency = "USD" } }),
            Event("pr-79", "sap-oh", "production-order/PR-79", At(0, 11, 16), new ProductionOrderReleasedEvent { Data = new()
                { OrderId = "PR-79", SalesOrderId = "SO-1002", Item = "AXLE-BLANK", Quantity = 400, WorkCenter = "CNC-4", Due = At(2, 17), Materials = [] } }));
        var reassessed = await narrator.WhileAsync("exceptions: re-assessing what the CNC-4 stop holds up",
            () => Waiting.UntilAsync("the CNC-4 case holding up SO-1002", async () =>
            {
                var found = await CaseAsync(_record.MachineCaseId, ct);
                return found.State?.Impact?.Commitments?.Any(c => c.SalesOrderId == "SO-1002") == true ? found : null;
            }, ct));
        _record.MachineCaseAfterRushOrder = reassessed;
        var impact = reassessed.State!.Impact!;
        narrator.Fact($"the CNC-4 case now holds up {impact.ValueAtRisk} USD for {string.Join(", ", impact.Commitments!.Select(c => c.Customer))} " +
                      "— the overtime request still shows what it was asked on");
    }

    /// <summary>
    /// 12:59 nothing yet; 13:06 the step escalates to the director, with the data now beside the frozen context. At 13:40 her click is
    /// held — the data moved past the policy's rule — until she confirms on the data now.
    /// </summary>
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
        narrator.Fact($"the notice also carries the data now: value at risk {escalated.Data.At("contextNow.drift.valueAtRiskThen")} then, " +
                      $"{escalated.Data.At("contextNow.drift.valueAtRiskNow")} now; to confirm: {string.Join(" ", escalated.Data.Texts("contextNow.needsConfirming"))}");

        await MoveToAsync(At(0, 13, 40), $"{Director} approves from the bridge's link", ct);
        const string comment = "Approved to protect SO-1001's and SO-1002's promise dates";
        var (_, held) = await bridge.ClickOrHeldAsync(cast.DecisionLinks, escalated, "approve", comment, ct);
        _record.OvertimeHeld = held;
        if (held is not null)
        {
            narrator.Fact($"held (409 context-changed): {string.Join(" ", held.Reasons)}");
            narrator.Fact($"the bridge shows {Director} the data now; she confirms on it ({held.LiveDigest[..19]}…)");
            await bridge.ConfirmAsync(cast.DecisionLinks, escalated, "approve", comment, held, ct);
        }
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
