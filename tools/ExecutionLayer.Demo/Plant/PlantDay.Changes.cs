using ExecutionLayer.Client.Api.Exceptions;
using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>
    /// 14:10: with CNC-4 down until Wednesday, planning asks to move Birch Brakes' promise four days later; customer service and the
    /// plant manager approve from the bridge; SAP is told (the change.approved webhook), applies it and reports it back.
    /// </summary>
    private async Task MoveAPromiseDateAsync(CancellationToken ct)
    {
        await MoveToAsync(At(0, 14, 10), "Planning asks to move SO-1002's promise (Birch Brakes) four days later: CNC-4 is down until Wednesday", ct);
        var from = Friday;
        var to = Friday.AddDays(4);
        var asked = (await cast.PlanningDesk.Api.Changes.PostAsync(new ChangeBody
        {
            RequestId = Guid.NewGuid(), Site = Site, Entity = "sales-order", EntityId = "SO-1002", Field = "promise-date",
            From = Stamp(from), To = Stamp(to), Reason = "Birch Brakes accepts Tuesday; CNC-4 is down until Wednesday",
        }, cancellationToken: ct))!;
        _record.PromiseChangeAsked = asked;
        narrator.Fact($"change {asked.ChangeId} {Camel(asked.Status)}: {asked.Size} days later needs policy '{asked.SubjectType}'");

        var first = await narrator.WhileAsync("approvals: routing the change to customer service",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == CustomerService && n.Data.Text("correlationId") == $"change-{asked.ChangeId}", Waiting.Patience, ct));
        await MoveToAsync(At(0, 14, 30), $"{CustomerService} (customer-service lead) approves: Birch Brakes agreed in writing", ct);
        await bridge.ClickAsync(cast.DecisionLinks, first, "approve", "Birch Brakes confirmed Tuesday by e-mail", ct);
        var second = await narrator.WhileAsync("approvals: the plant manager's stage",
            () => bridge.WaitForAsync("approval.requested", n => n.Approver == PlantManager && n.ApprovalId == first.ApprovalId, Waiting.Patience, ct));
        await MoveToAsync(At(0, 14, 45), $"{PlantManager} approves", ct);
        await bridge.ClickAsync(cast.DecisionLinks, second, "approve", "Agreed", ct);

        var told = await narrator.WhileAsync("exceptions: the grant moves the plan; SAP is told",
            () => erp.WaitForAsync("change.approved", n => n.Data.Text("changeId") == asked.ChangeId.ToString(), Waiting.Patience, ct));
        _record.PromiseChangeNotice = told.Data;
        narrator.Fact($"SAP got a signed change.approved: {told.Data.Text("entityId")} {told.Data.Text("field")} {told.Data.Text("from")} → {told.Data.Text("to")}, " +
                      $"approved by {told.Data.Text("approvedBy")}");

        await MoveToAsync(At(0, 15), "SAP applies the change and re-sends SO-1002", ct);
        await PostEventsAsync(ct, Event("so-1002-moved", "sap-oh", "sales-order/SO-1002", At(0, 15), new SalesOrderConfirmedEvent { Data = new()
            { OrderId = "SO-1002", Customer = "Birch Brakes", Item = "AXLE-40", Quantity = 400, PromiseDate = to, Value = 52_000, Currency = "USD" } }));
        _record.PromiseChange = await narrator.WhileAsync("exceptions: matching SAP's report to the granted change",
            () => Waiting.UntilAsync("the change applied", async () =>
            {
                var change = await cast.PlanningDesk.Api.Changes[asked.ChangeId!.Value].GetAsync(cancellationToken: ct);
                return change?.Status == ChangeStatus.Applied ? change : null;
            }, ct));
        narrator.Fact($"change {Camel(_record.PromiseChange.Status)}: {_record.PromiseChange.Outcome}");
    }

    /// <summary>Tuesday 09:00: SAP re-sends SO-1001 with its promise moved five days, which nobody asked for: an exception for customer service, until it is put back.</summary>
    private async Task CatchAnUngovernedChangeAsync(CancellationToken ct)
    {
        await MoveToAsync(At(1, 9), "SAP re-sends SO-1001 with its promise moved to next Wednesday — nobody asked for it", ct);
        await PostEventsAsync(ct, Event("so-1001-edited", "sap-oh", "sales-order/SO-1001", At(1, 9), new SalesOrderConfirmedEvent { Data = new()
            { OrderId = "SO-1001", Customer = "Acme Axles", Item = "AXLE-40", Quantity = 400, PromiseDate = Friday.AddDays(5), Value = 48_000, Currency = "USD" } }));
        var found = await narrator.WhileAsync("exceptions: holding the report to the governed promise date",
            () => RespondingCaseAsync(GetKindQueryParameterType.UngovernedChange, c => c.State?.RoutedTo?.Count > 0, ct));
        _record.UngovernedCase = found;
        narrator.Fact($"case {found.CaseId}: {found.State!.Summary}");
        narrator.Fact($"routed to {string.Join(", ", found.State.RoutedTo!.Select(r => r.OwnerRole))}");

        await MoveToAsync(At(1, 9, 30), $"{CustomerService} has SAP put SO-1001's promise back", ct);
        await PostEventsAsync(ct, Event("so-1001-restored", "sap-oh", "sales-order/SO-1001", At(1, 9, 30), new SalesOrderConfirmedEvent { Data = new()
            { OrderId = "SO-1001", Customer = "Acme Axles", Item = "AXLE-40", Quantity = 400, PromiseDate = Friday, Value = 48_000, Currency = "USD" } }));
        _record.UngovernedResolved = await narrator.WhileAsync("exceptions: the governed value is reported again",
            () => Waiting.UntilAsync("the ungoverned change cleared", async () =>
            {
                var now = await CaseAsync(found.CaseId!.Value, ct);
                return now.State?.Status is CaseStatus.Resolved or CaseStatus.Closed ? now : null;
            }, ct));
        narrator.Fact($"case {Camel(_record.UngovernedResolved.State!.Status)}");
    }

    /// <summary>An instant as governed values are kept: UTC, to the second.</summary>
    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
