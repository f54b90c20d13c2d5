using System.Text.Json;
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
        var impact = Day.MachineCase.At("state.impact");
        Assert.Equal(["PR-77"], impact.Texts("productionOrders"));
        Assert.Equal(["SH-900"], impact.Texts("shipments"));
        var commitment = Assert.Single(impact.Items("commitments"));
        Assert.Equal(("SO-1001", "Acme Axles"), (commitment.Text("salesOrderId"), commitment.Text("customer")));
        Assert.Equal(48_000m, impact.At("valueAtRisk").GetDecimal());
        Assert.Equal(["maintenance", "production-planning", "customer-service"], Day.MachineCase.Items("state.routedTo").Select(r => r.Text("function")));
        Assert.Equal([CustomerService, MaintenanceLead, Planner], Day.CaseActions.Select(a => a.Text("owner")).Order());
    }

    [Fact]
    public void The_overtime_request_waits_four_hours_for_the_plant_manager_then_escalates_to_the_director()
    {
        Assert.Equal(PlantManager, Day.RequestedNotice.Text("recipient.approver"));
        var due = Day.RequestedNotice.At("stage.dueAt").GetDateTimeOffset();
        Assert.InRange(due, Monday.AddHours(13).AddMinutes(6), Monday.AddHours(13).AddMinutes(7));

        // At 12:59 it was still the plant manager's, and the bridge had heard of no escalation.
        Assert.Equal(("pending", 0), (Day.ApprovalBeforeSla.Text("state.status"), Day.ApprovalBeforeSla.At("state.stage.level").GetInt32()));
        Assert.DoesNotContain(Day.NoticesBeforeSla, n => n.StartsWith("approval.escalated", StringComparison.Ordinal));

        Assert.Equal(Director, Day.EscalatedNotice.Text("recipient.approver"));
        Assert.Equal(1, Day.EscalatedNotice.At("stage.level").GetInt32());
        var escalated = Day.DecidedApproval.Items("history").Single(h => h.Text("type") == "approvals.stage-escalated");
        Assert.Equal("approvals:sla", escalated.Text("actor"));
        Assert.Equal("granted", Day.DecidedApproval.Text("state.status"));
    }

    [Fact]
    public void The_director_decides_on_the_same_decision_context_the_plant_manager_was_sent()
    {
        var sent = Day.RequestedNotice.At("decisionContext");
        Assert.True(JsonElement.DeepEquals(sent, Day.EscalatedNotice.At("decisionContext")), "the director's notice carries another context");
        Assert.True(JsonElement.DeepEquals(sent, Day.DecidedApproval.At("state.decisionContext")), "the stored request carries another context");
        Assert.Equal(["PR-77"], sent.Texts("productionOrders"));
        Assert.Equal("SO-1001", sent.Items("commitments").Single().Text("salesOrderId"));

        var decision = Assert.Single(Day.Decisions.Items("decisions"));
        Assert.Equal((Director, "approve", true), (decision.Text("decidedBy"), decision.Text("verdict"), decision.At("reachedThroughEscalation").GetBoolean()));
        Assert.True(JsonElement.DeepEquals(sent, Day.Decisions.At("decisionContext")), "the ledger keeps another context");
        Assert.Contains(Day.MachineCaseAfterDecision.Items("timeline"), e => e.Text("type") == "exceptions.approval-decided");
    }

    [Fact]
    public void The_hold_on_L_5521_blocks_every_order_and_shipment_made_from_it_and_nothing_else()
    {
        Assert.Equal(["L-5521", "L-6001", "L-7001"], Day.HoldPropagation.Texts("lots"));
        Assert.Equal(["PR-77", "PR-78"], Day.HoldPropagation.Texts("blockedProductionOrders"));
        Assert.Equal(["SH-900"], Day.HoldPropagation.Texts("blockedShipments"));
        foreach (var blocked in new[] { "PR-77", "PR-78", "SH-900" }) Assert.Equal("QH-1", PlantDay.BlockedBy(Day.AfterHold[blocked]));
        foreach (var untouched in new[] { "PR-80", "SH-901" }) Assert.Null(PlantDay.BlockedBy(Day.AfterHold[untouched]));

        Assert.Contains(Day.HoldActions, a => a.Text("owner") == QualityEngineer);
        Assert.Contains(Day.HoldActions, a => a.Text("owner") == Logistics);
        Assert.Equal(QualityLead, Day.DeviationNotice.Text("recipient.approver"));
    }

    [Fact]
    public void The_weekly_review_opens_with_the_open_actions_and_its_minutes_list_what_was_carried_over()
    {
        var opened = Day.ReviewOpened.Items("carriedOver").Select(a => a.At("actionId").GetGuid()).ToHashSet();
        var stillOpen = Day.CaseActions.Concat(Day.HoldActions).Where(a => a.Text("owner") != MaintenanceLead).Select(a => a.At("actionId").GetGuid());
        Assert.Subset(opened, stillOpen.ToHashSet());
        Assert.DoesNotContain(Day.MaintenanceAction.At("state.id").GetGuid(), opened); // verified on Wednesday

        var carried = Day.Minutes.Items("carriedOver").ToDictionary(a => a.At("actionId").GetGuid(), a => a.Text("status"));
        Assert.Equal(opened, carried.Keys.ToHashSet());
        Assert.All(carried.Values, status => Assert.Equal("open", status));
        Assert.Equal(["verified", "verified"], Day.Minutes.Items("newActions").Select(a => a.Text("status")));
        Assert.Contains("## Carried-over actions", Day.MinutesMarkdown, StringComparison.Ordinal);
        Assert.Contains("Add a spindle vibration check to the CNC PM plan", Day.MinutesMarkdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closure_whose_KPI_did_not_move_is_flagged_and_one_whose_KPI_moved_is_not()
    {
        Assert.True(Day.ScrapRateAction.At("movedKpis").GetBoolean(), "scrap fell from 3.4 % to 1.4 % after the vibration check");
        Assert.False(Day.OnTimeDeliveryAction.At("movedKpis").GetBoolean(), "on-time delivery went from 91 % to 90.5 % after the carrier booking");
        Assert.Equal(1, Day.Metrics.Items("rows").Single().At("closedWithoutKpiMovement").GetInt32());
    }

    [Fact]
    public void The_auditor_gets_SO_1001s_whole_chain_complete_and_in_causal_order()
    {
        var timeline = Day.Timeline.Items("entries").ToList();
        var types = timeline.Select(e => e.Text("eventType")).ToList();
        foreach (var type in PlantDay.Chain) Assert.Contains(type, types);

        // Every cause the ledger names is listed before what it caused.
        var position = timeline.Select((e, i) => (Sequence: e.At("sequence").GetInt64(), i)).ToDictionary(p => p.Sequence, p => p.i);
        foreach (var (entry, i) in timeline.Select((e, i) => (e, i)))
            if (entry.At("causedBy").ValueKind == JsonValueKind.Number) Assert.True(position[entry.At("causedBy").GetInt64()] < i, $"#{entry.At("sequence")} is listed before its cause");

        JsonElement CauseOf(string type) => timeline.Single(e => e.At("sequence").GetInt64() == timeline.First(t => t.Text("eventType") == type).At("causedBy").GetInt64());
        Assert.Equal("work-center/CNC-4", CauseOf("exceptions.case-opened").Text("payload.subject"));
        Assert.Equal("exceptions.approval-requested", CauseOf("approvals.approval-requested").Text("eventType"));
        Assert.True(types.IndexOf("approvals.stage-escalated") < types.IndexOf("approvals.decision-recorded"));
        Assert.True(types.IndexOf("actions.completion-claimed") < types.IndexOf("actions.closure-verified"));
    }

    [Fact]
    public void The_ledger_verifies_has_no_gap_and_its_export_verifies_offline_with_the_key_the_ledger_was_given()
    {
        Assert.True(Day.Verification.At("ok").GetBoolean(), Day.Verification.ToString());
        Assert.True(Day.Completeness.At("complete").GetBoolean(), Day.Completeness.ToString());
        Assert.Equal(["actions", "approvals", "exceptions"], Day.Completeness.Items("sources").Select(s => s.Text("source")));
        Assert.True(Day.ExportVerification!.Ok, Day.ExportVerification.Problem?.Reason);

        // Not only the key the service publishes: the one the operator configured.
        var keys = new Dictionary<string, System.Security.Cryptography.ECDsa> { [Audit.Ledger.KeyIds.Of(run.System.LedgerKey)] = run.System.LedgerKey };
        var offline = Audit.Ledger.ExportVerifier.Verify(Day.Export, keys);
        Assert.True(offline.Ok, offline.Problem?.Reason);
        Assert.True(offline.Entries >= 10);
    }
}
