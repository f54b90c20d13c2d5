using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// Governed fields, through the gateway on the real processes: SO-1002's promise moved four days later by request — decided by
/// customer service and the plant manager, delivered to SAP's webhook, applied when SAP reported it — and SO-1001's promise moved
/// in SAP with no grant behind it, caught as an exception for customer service and cleared when put back; the auditor sees both.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class GovernedChangeTests(PlantDayRun run)
{
    [Fact]
    public async Task An_approved_promise_date_change_is_delivered_to_the_ERPs_webhook_and_done_when_SAP_reports_it()
    {
        var asked = run.Day.PromiseChangeAsked;
        Assert.Equal((ChangeStatus.Pending, "promise-date-change", 4d), (asked.Status, asked.SubjectType, asked.Size));
        Assert.Equal(Planner, asked.Requester);

        var told = run.Day.PromiseChangeNotice;
        Assert.Equal(("SO-1002", "promise-date", asked.From, asked.To, PlantManager),
            (told.Text("entityId"), told.Text("field"), told.Text("from"), told.Text("to"), told.Text("approvedBy")));
        var change = run.Day.PromiseChange;
        Assert.Equal(ChangeStatus.Applied, change.Status);
        Assert.Equal(change.ApprovalId, told.At("approvalId").GetGuid());

        // Both approvers are on record, in their order, for the auditor.
        var decisions = (await run.Cast.Auditor.Api.Audit.Decisions.GetAsync(q => q.QueryParameters.ApprovalId = change.ApprovalId))!.Decisions!;
        Assert.Equal([CustomerService, PlantManager], decisions.Select(d => d.DecidedBy));
        var timeline = (await run.Cast.Auditor.Api.Audit.Timeline.GetAsync(q => q.QueryParameters.CorrelationId = $"change-{change.ChangeId}"))!;
        // Requested, granted, then applied — caused by SAP's report of the new date, which the chain joins in.
        Assert.Equal(["exceptions.change-requested", "exceptions.change-granted", "intake.operational-event-received", "exceptions.change-applied"],
            timeline.Entries!.Where(e => e.Source == "exceptions").Select(e => e.EventType));
        Assert.Equal(Planner, timeline.Entries!.First(e => e.EventType == "exceptions.change-requested").Actor);
    }

    [Fact]
    public async Task A_promise_date_SAP_moved_with_no_grant_is_routed_to_customer_service_and_clears_when_put_back()
    {
        var opened = run.Day.UngovernedCase.State!;
        Assert.Equal(CaseKind.UngovernedChange, opened.Kind);
        Assert.StartsWith("sales-order.promise-date of SO-1001 changed from ", opened.Summary, StringComparison.Ordinal);
        Assert.Equal([("sales-order.promise-date", "customer-service-rep")], opened.RoutedTo!.Select(r => (r.Function!, r.OwnerRole!)));
        Assert.Equal(CaseStatus.Resolved, run.Day.UngovernedResolved.State!.Status);

        // Customer service got an action for it, and the ledger holds the case from the SAP report that opened it.
        var actions = (await run.Cast.Manager.Api.Actions.GetAsync(q => { q.QueryParameters.Site = Site; q.QueryParameters.Limit = 1000; }))!;
        Assert.Contains(actions, a => a.Owner == CustomerService && a.Title!.Contains(run.Day.UngovernedCase.CaseId.ToString()!, StringComparison.Ordinal));
        var timeline = (await run.Cast.Auditor.Api.Audit.Timeline.GetAsync(q => q.QueryParameters.CorrelationId = $"case-{run.Day.UngovernedCase.CaseId}"))!;
        Assert.Contains(timeline.Entries!, e => e.EventType == "exceptions.case-opened" && e.Actor == "exceptions:detector");
    }
}
