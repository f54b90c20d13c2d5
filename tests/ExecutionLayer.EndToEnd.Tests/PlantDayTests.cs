using System.Text.Json;
using ExecutionLayer.Client.Models;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Plant;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>DOMAIN.md's day, played through the gateway against the real processes: what each function and the auditor got back.</summary>
[Collection(PlantDayCollection.Name)]
public sealed class PlantDayTests(PlantDayRun run)
{
    private PlantDayRecord Day => run.Day;

    private DateTimeOffset Monday => Day.Monday;

    [Fact]
    public void CNC_4_going_down_opens_one_case_that_finds_PR_77_SO_1001_and_SH_900_and_routes_it_to_three_functions_at_once()
    {
        var impact = Day.MachineCase.State!.Impact!;
        Assert.Equal(["PR-77"], impact.ProductionOrders!);
        Assert.Equal(["SH-900"], impact.Shipments!);
        var commitment = Assert.Single(impact.Commitments!);
        Assert.Equal(("SO-1001", "Acme Axles"), (commitment.SalesOrderId, commitment.Customer));
        Assert.Equal(48_000, impact.ValueAtRisk);
        Assert.Equal(["maintenance", "production-planning", "customer-service"], Day.MachineCase.State.RoutedTo!.Select(r => r.Function));
        Assert.Equal([CustomerService, MaintenanceLead, Planner], Day.CaseActions.Select(a => a.Owner).Order());
    }

    [Fact]
    public void The_overtime_request_waits_four_hours_for_the_plant_manager_then_escalates_to_the_director()
    {
        Assert.Equal(PlantManager, Day.RequestedNotice.Text("recipient.approver"));
        var due = Day.RequestedNotice.At("stage.dueAt").GetDateTimeOffset();
        Assert.InRange(due, Monday.AddHours(13).AddMinutes(6), Monday.AddHours(13).AddMinutes(7));

        // At 12:59 it was still the plant manager's, and the bridge had heard of no escalation.
        Assert.Equal((ApprovalStatus.Pending, 0), (Day.ApprovalBeforeSla.State!.Status, Day.ApprovalBeforeSla.State.Stage!.Level));
        Assert.DoesNotContain(Day.NoticesBeforeSla, n => n.StartsWith("approval.escalated", StringComparison.Ordinal));

        Assert.Equal(Director, Day.EscalatedNotice.Text("recipient.approver"));
        Assert.Equal(1, Day.EscalatedNotice.At("stage.level").GetInt32());
        var escalated = Day.DecidedApproval.History!.Single(h => h.Type == "approvals.stage-escalated");
        Assert.Equal("approvals:sla", escalated.Actor);
        Assert.Equal(ApprovalStatus.Granted, Day.DecidedApproval.State!.Status);
    }

    [Fact]
    public void The_director_decides_on_the_same_decision_context_the_plant_manager_was_sent()
    {
        var sent = Day.RequestedNotice.At("decisionContext");
        Assert.True(JsonElement.DeepEquals(sent, Day.EscalatedNotice.At("decisionContext")), "the director's notice carries another context");
        Assert.True(JsonElement.DeepEquals(sent, Day.DecidedApproval.State!.DecisionContext.AsJson()), "the stored request carries another context");
        Assert.Equal(["PR-77"], sent.Texts("productionOrders"));
        Assert.Equal("SO-1001", sent.Items("commitments").Single().Text("salesOrderId"));

        var decision = Assert.Single(Day.Decisions.Decisions!);
        Assert.Equal((Director, "approve", true), (decision.DecidedBy, decision.Verdict, decision.ReachedThroughEscalation));
        Assert.True(JsonElement.DeepEquals(sent, Day.Decisions.DecisionContext.AsJson()), "the ledger keeps another context");
        Assert.Contains(Day.MachineCaseAfterDecision.Timeline!, e => e.Type == "exceptions.approval-decided");
    }

    [Fact]
    public void The_hold_on_L_5521_blocks_every_order_and_shipment_made_from_it_and_nothing_else()
    {
        Assert.Equal(["L-5521", "L-6001", "L-7001"], Day.HoldPropagation.Texts("lots"));
        Assert.Equal(["PR-77", "PR-78"], Day.HoldPropagation.Texts("blockedProductionOrders"));
        Assert.Equal(["SH-900"], Day.HoldPropagation.Texts("blockedShipments"));
        foreach (var blocked in new[] { "PR-77", "PR-78", "SH-900" }) Assert.Equal("QH-1", Day.BlockedAfterHold[blocked]);
        foreach (var untouched in new[] { "PR-80", "SH-901" }) Assert.Null(Day.BlockedAfterHold[untouched]);

        Assert.Contains(Day.HoldActions, a => a.Owner == QualityEngineer);
        Assert.Contains(Day.HoldActions, a => a.Owner == Logistics);
        Assert.Equal(QualityLead, Day.DeviationNotice.Text("recipient.approver"));
    }

    [Fact]
    public void The_weekly_review_opens_with_the_open_actions_and_its_minutes_list_what_was_carried_over()
    {
        var opened = Day.ReviewOpened.CarriedOver!.Select(a => a.ActionId!.Value).ToHashSet();
        var stillOpen = Day.CaseActions.Concat(Day.HoldActions).Where(a => a.Owner != MaintenanceLead).Select(a => a.ActionId!.Value);
        Assert.Subset(opened, stillOpen.ToHashSet());
        Assert.DoesNotContain(Day.MaintenanceAction.State!.Id!.Value, opened); // verified on Wednesday

        var carried = Day.Minutes.CarriedOver!.ToDictionary(a => a.ActionId!.Value, a => a.Status);
        Assert.Equal(opened, carried.Keys.ToHashSet());
        Assert.All(carried.Values, status => Assert.Equal(ActionStatus.Open, status));
        Assert.Equal([ActionStatus.Verified, ActionStatus.Verified], Day.Minutes.NewActions!.Select(a => a.Status));
        Assert.Contains("## Carried-over actions", Day.MinutesMarkdown, StringComparison.Ordinal);
        Assert.Contains("Add a spindle vibration check to the CNC PM plan", Day.MinutesMarkdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closure_whose_KPI_did_not_move_is_flagged_and_one_whose_KPI_moved_is_not()
    {
        Assert.True(Day.ScrapRateAction.MovedKpis, "scrap fell from 3.4 % to 1.4 % after the vibration check");
        Assert.False(Day.OnTimeDeliveryAction.MovedKpis, "on-time delivery went from 91 % to 90.5 % after the carrier booking");
        Assert.Equal(1, Day.Metrics.Rows!.Single().ClosedWithoutKpiMovement);
    }

    [Fact]
    public void The_auditor_gets_SO_1001s_whole_chain_complete_and_in_causal_order()
    {
        var timeline = Day.Timeline.Entries!;
        var types = timeline.Select(e => e.EventType).ToList();
        foreach (var type in PlantDay.Chain) Assert.Contains(type, types);

        // Every cause the ledger names is listed before what it caused.
        var position = timeline.Select((e, i) => (Sequence: e.Sequence!.Value, i)).ToDictionary(p => p.Sequence, p => p.i);
        foreach (var (entry, i) in timeline.Select((e, i) => (e, i)))
            if (entry.CausedBy is { } cause) Assert.True(position[cause] < i, $"#{entry.Sequence} is listed before its cause");

        EntryView CauseOf(string type) => timeline.Single(e => e.Sequence == timeline.First(t => t.EventType == type).CausedBy);
        Assert.Equal("work-center/CNC-4", CauseOf("exceptions.case-opened").Payload.AsJson().Text("subject"));
        Assert.Equal("exceptions.approval-requested", CauseOf("approvals.approval-requested").EventType);
        // The overtime's decision (not the bar-stock recommendation's, which named SO-1001's promise too) came after its escalation.
        var overtime = timeline.Where(e => e.StreamId == $"approval-{Day.OvertimeApprovalId}").Select(e => e.EventType).ToList();
        Assert.True(overtime.IndexOf("approvals.stage-escalated") < overtime.IndexOf("approvals.decision-recorded"));
        Assert.True(types.IndexOf("actions.completion-claimed") < types.IndexOf("actions.closure-verified"));
    }

    [Fact]
    public void The_ledger_verifies_has_no_gap_and_its_export_verifies_offline_with_the_key_the_ledger_was_given()
    {
        Assert.True(Day.Verification.Ok, Day.Verification.FirstProblem?.Detail);
        Assert.True(Day.Completeness.Complete, string.Join(", ", Day.Completeness.Sources!.Select(s => $"{s.Source}: {s.MissingCount} missing")));
        Assert.Equal(["actions", "approvals", "exceptions"], Day.Completeness.Sources!.Select(s => s.Source));
        Assert.True(Day.ExportVerification!.Ok, Day.ExportVerification.Problem?.Reason);

        // Not only the key the service publishes: the one the operator configured.
        var keys = new Dictionary<string, System.Security.Cryptography.ECDsa> { [Audit.Ledger.KeyIds.Of(run.System.LedgerKey)] = run.System.LedgerKey };
        var offline = Audit.Ledger.ExportVerifier.Verify(Day.Export, keys);
        Assert.True(offline.Ok, offline.Problem?.Reason);
        Assert.True(offline.Entries >= 10);
    }
}
