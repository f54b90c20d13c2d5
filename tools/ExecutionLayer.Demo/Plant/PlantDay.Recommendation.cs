using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>
    /// 10:45: with L-5521 held, PR-77 has no bar stock. SAP places PO-4410 for more, due Thursday; the planning assistant recommends
    /// expediting it to Tuesday 06:00 (USD 2,400 of freight, 80 % sure SO-1001 then ships by Friday). That is above what Dayton lets it
    /// do alone: the plant manager decides from the bridge, and accepts it with changes — Tuesday noon by road-air, USD 1,900. The
    /// buyer gets the action, and SAP the command (erp.command).
    /// </summary>
    private async Task RecommendAnExpediteAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 10, 45), "The bar stock is short: SAP orders more (PO-4410, due Thursday), and the planning assistant recommends expediting it", ct);
        await PostEventsAsync(ct, Event("po-4410", "sap-oh", "purchase-order/PO-4410", At(0, 10, 45), new PurchaseOrderPlacedEvent
        {
            Data = new() { PurchaseOrderId = "PO-4410", Supplier = "Ohio Bar & Steel", Item = "BAR-STOCK", Quantity = 400, Eta = At(3, 12) },
        }));
        var received = (await cast.PlanningAssistant.Api.Recommendations.PostAsync(new RecommendationBody
        {
            Id = "copilot-2026-w48-017", Site = Site, Source = new() { System = "planning-assistant", Model = "copilot-plan", ModelVersion = "2026.11" },
            Actions = [new() { Kind = ProposedActionKind.ExpeditePurchaseOrder, PurchaseOrderId = "PO-4410", NeedBy = At(1, 6), Cost = 2_400 }],
            ExpectedEffect = new() { SalesOrderId = "SO-1001" }, Confidence = 0.8, CaseId = _record.HoldCase.CaseId,
            Evidence =
            [
                new() { Label = "Hold QH-1 leaves PR-77 without bar stock", Value = "400 BAR-STOCK needed from Tuesday 06:00" },
                new() { Label = "Ohio Bar & Steel quotes air freight", Value = "Tuesday 06:00 for USD 2,400" },
            ],
        }, cancellationToken: ct))!;
        _record.RecommendationReceived = received;
        narrator.Fact($"recommendation {received.Status?.ToString().ToLowerInvariant()}: {string.Join(" ", received.WhyRouted ?? [])}");

        var notice = await narrator.WhileAsync("approvals: routing the recommendation to the plant manager",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == PlantManager && n.Data.Text("correlationId") == $"recommendation-{received.RecommendationId}",
                Waiting.Patience, ct));
        _record.RecommendationNotice = notice.Data;
        narrator.Fact($"the bridge got a signed request for {PlantManager}: {notice.Data.Text("reason")}");

        await MoveToAsync(At(0, 10, 55), $"{PlantManager} accepts it with changes: road-air by Tuesday noon is enough, for USD 1,900", ct);
        await bridge.ApproveWithChangesAsync(cast.DecisionLinks, notice, "Road-air is enough: Tuesday noon still makes Friday",
            [new Amendment { Index = 0, Cost = 1_900, At = At(1, 12) }], ct);
        var told = await narrator.WhileAsync("exceptions: accepting it as changed; SAP is told, the buyer gets the action",
            () => erp.WaitForAsync("erp.command", n => n.Data.Text("recommendationId") == received.RecommendationId.ToString(), Waiting.Patience, ct));
        _record.ErpCommandNotice = told.Data;
        narrator.Fact($"SAP got a signed erp.command: {told.Data.Text("kind")} {told.Data.Text("purchaseOrderId")} by {told.Data.Text("needBy")}");
        _record.RecommendationAccepted = await Waiting.UntilAsync("the recommendation's action", async () =>
            await cast.PlanningAssistant.Api.Recommendations[received.RecommendationId!.Value].GetAsync(cancellationToken: ct) is { Work: [{ ActionId: not null }] } accepted
                ? accepted : null, ct);
        narrator.Fact($"{_record.RecommendationAccepted.Outcome}; action {_record.RecommendationAccepted.Work![0].ActionId} for {_record.RecommendationAccepted.Work[0].OwnerRole}: " +
                      _record.RecommendationAccepted.Work[0].Title);
    }
}
