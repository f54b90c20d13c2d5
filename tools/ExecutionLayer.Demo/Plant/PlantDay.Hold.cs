using ExecutionLayer.Client.Api.Exceptions;
using ExecutionLayer.Client.Models;
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
        await PostEventsAsync(ct, Event("hold-qh1", "mes-qms", "lot/L-5521", At(0, 10, 30),
            new QualityHoldRaisedEvent { Data = new() { HoldId = "QH-1", LotId = "L-5521", Reason = "hardness out of spec" } }));
        var found = await narrator.WhileAsync("exceptions: walking the genealogy, blocking orders and shipments",
            () => RespondingCaseAsync(GetKindQueryParameterType.QualityHold, c => HasEvent(c, "exceptions.hold-propagated"), ct));
        var took = DateTimeOffset.UtcNow - posted;
        _record.HoldCase = found;
        _record.HoldPropagation = TimelineEvent(found, "exceptions.hold-propagated");
        narrator.Fact($"held lots: {string.Join(", ", _record.HoldPropagation.Texts("lots"))} (L-5521 and what was made from it)");
        narrator.Fact($"blocked production orders: {string.Join(", ", _record.HoldPropagation.Texts("blockedProductionOrders"))}; " +
                      $"blocked shipments: {string.Join(", ", _record.HoldPropagation.Texts("blockedShipments"))} — seen {took.TotalMilliseconds:0} ms after the post");

        var graph = cast.PlanningDesk.Api.Graph;
        foreach (var order in HoldWatched)
            _record.BlockedAfterHold[order] = (await graph.Orders[order].GetAsync(cancellationToken: ct))!.ProductionOrder?.BlockedByHold;
        foreach (var shipment in HoldWatchedShipments)
            _record.BlockedAfterHold[shipment] = (await graph.Shipments[shipment].GetAsync(cancellationToken: ct))!.BlockedByHold;
        narrator.Table(["order / shipment", "blocked by hold"], _record.BlockedAfterHold.Select(v => new[] { v.Key, v.Value ?? "—" }));
        var holdActions = await narrator.WhileAsync("actions: creating the routed functions' actions",
            () => CaseActionsAsync(found.CaseId!.Value, found.State!.RoutedTo!.Count, ct));
        _record.HoldActions = holdActions;
        foreach (var action in holdActions) narrator.Fact($"action for {action.Owner}: {action.Title}");
        var deviation = await narrator.WhileAsync("approvals: asking for a use-as-is deviation, as the case's rules require",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == Cast.QualityLead, Waiting.Patience, ct));
        _record.DeviationNotice = deviation.Data;
        narrator.Fact($"the bridge got a signed deviation request for {deviation.Approver}: {deviation.Data.Text("reason")}");
    }
}
