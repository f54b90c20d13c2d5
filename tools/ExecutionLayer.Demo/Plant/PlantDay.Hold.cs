using System.Text.Json;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    private static readonly string[] HoldWatched = ["PR-77", "PR-78", "PR-80"];
    private static readonly string[] HoldWatchedShipments = ["SH-900", "SH-901"];

    /// <summary>10:30: quality holds lot L-5521; everything made from it, and every shipment containing that, is blocked.</summary>
    private async Task HoldTheBarStockAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 10, 30), "Quality raises hold QH-1 on bar-stock lot L-5521 (hardness out of spec)", ct);
        var posted = DateTimeOffset.UtcNow;
        await PostEventsAsync(ct, Event("hold-qh1", "mes-qms", "QualityHoldRaised", "lot/L-5521", At(0, 10, 30),
            new { holdId = "QH-1", lotId = "L-5521", reason = "hardness out of spec" }));
        var found = (await narrator.WhileAsync("exceptions: walking the genealogy, blocking orders and shipments",
            () => RespondingCaseAsync("qualityHold", c => HasEvent(c, "exceptions.hold-propagated"), ct)));
        var took = DateTimeOffset.UtcNow - posted;
        _record.HoldCase = found;
        _record.HoldPropagation = TimelineEvent(found, "exceptions.hold-propagated");
        narrator.Fact($"held lots: {string.Join(", ", _record.HoldPropagation.Texts("lots"))} (L-5521 and what was made from it)");
        narrator.Fact($"blocked production orders: {string.Join(", ", _record.HoldPropagation.Texts("blockedProductionOrders"))}; " +
                      $"blocked shipments: {string.Join(", ", _record.HoldPropagation.Texts("blockedShipments"))} — seen {took.TotalMilliseconds:0} ms after the post");

        foreach (var order in HoldWatched) _record.AfterHold[order] = await cast.PlanningDesk.GetAsync($"/api/graph/orders/{order}", ct);
        foreach (var shipment in HoldWatchedShipments) _record.AfterHold[shipment] = await cast.PlanningDesk.GetAsync($"/api/graph/shipments/{shipment}", ct);
        narrator.Table(["order / shipment", "blocked by hold"],
            _record.AfterHold.Select(v => new[] { v.Key, BlockedBy(v.Value) ?? "—" }));

        var holdActions = await narrator.WhileAsync("actions: creating the routed functions' actions",
            () => CaseActionsAsync(found.At("caseId").GetGuid(), found.Items("state.routedTo").Count(), ct));
        _record.HoldActions = holdActions;
        foreach (var action in holdActions) narrator.Fact($"action for {action.Text("owner")}: {action.Text("title")}");
        var deviation = await narrator.WhileAsync("approvals: asking for a use-as-is deviation, as the case's rules require",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == Cast.QualityLead, Waiting.Patience, ct));
        _record.DeviationNotice = deviation.Data;
        narrator.Fact($"the bridge got a signed deviation request for {deviation.Approver}: {deviation.Data.Text("reason")}");
    }

    /// <summary>The hold blocking a shipment or a production order in a graph view, if any.</summary>
    public static string? BlockedBy(JsonElement view)
    {
        foreach (var candidate in new[] { view.At("blockedByHold"), view.At("productionOrder.blockedByHold") })
            if (candidate.ValueKind == JsonValueKind.String) return candidate.GetString();
        return null;
    }
}
