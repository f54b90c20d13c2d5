using System.Text.Json;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>Tuesday–Wednesday: the hold is released after a retest; maintenance fixes CNC-4 and the quality lead verifies it.</summary>
    private async Task RepairAndReleaseAsync(CancellationToken ct)
    {
        await MoveToAsync(At(1, 14, 45), $"{QualityLead} rejects the use-as-is deviation from the bridge's link: the lot is retested instead", ct);
        var deviation = bridge.Notices.First(n => n.Type == "approval.requested" && n.Approver == QualityLead);
        await bridge.ClickAsync(cast.DecisionLinks, deviation, "reject", "No use-as-is: retest the lot's hardness", ct);
        narrator.Fact($"deviation {(await cast.PlanningDesk.GetAsync($"/api/approvals/{deviation.ApprovalId}", ct)).Text("state.status")}");

        await MoveToAsync(At(1, 15), "Retest passes: quality releases hold QH-1", ct);
        await PostEventsAsync(ct, Event("hold-qh1-released", "mes-qms", "QualityHoldReleased", "lot/L-5521", At(1, 15), new { holdId = "QH-1", lotId = "L-5521" }));

        await MoveToAsync(At(2, 10), "Maintenance replaces the spindle bearing and claims its action", ct);
        var caseActions = await CaseActionsAsync(_record.MachineCaseId, _record.MachineCase.Items("state.routedTo").Count(), ct);
        _record.CaseActions = caseActions;
        var repair = caseActions.Single(a => a.Text("owner") == MaintenanceLead).At("actionId").GetGuid();
        await cast.Maintenance.PostAsync($"/api/actions/{repair}/claim", new { text = "Spindle bearing replaced; vibration within limits", documentReference = "WO-5521" }, ct);
        await PostEventsAsync(ct, Event("cnc4-up", "mes-cnc", "MachineStateChanged", "work-center/CNC-4", At(2, 10),
            new { workCenter = "CNC-4", state = "running" }));
        await MoveToAsync(At(2, 11), "The quality lead verifies the repair", ct);
        _record.MaintenanceAction = await cast.Quality.PostAsync($"/api/actions/{repair}/verify", new { }, ct);
        narrator.Fact($"action '{_record.MaintenanceAction.Text("state.title")}' {_record.MaintenanceAction.Text("state.status")} by {_record.MaintenanceAction.Text("state.verifiedBy")}");
    }

    /// <summary>Friday: the weekly review opens with the open actions, turns two decisions into actions, closes two with evidence, issues minutes.</summary>
    private async Task RunTheWeeklyReviewAsync(CancellationToken ct)
    {
        await MoveToAsync(At(4, 14), "Weekly operations review", ct);
        _record.ReviewOpened = await cast.Manager.PostAsync("/api/reviews", new
        {
            kind = "WeeklyOps", site = Site, title = "Dayton weekly ops", attendees = new[] { PlantManager, MaintenanceLead, QualityLead, Planner },
        }, ct);
        var reviewId = _record.ReviewOpened.At("id").GetGuid();
        narrator.Fact($"agenda: {_record.ReviewOpened.Items("carriedOver").Count()} open action(s) carried over; KPIs {string.Join(", ", _record.ReviewOpened.Items("kpis").Select(k => k.Text("kpi")))}");

        var vibration = await DecideAsync(reviewId, "Add a spindle vibration check to the CNC PM plan", MaintenanceLead, "scrap-rate", ct);
        var carrier = await DecideAsync(reviewId, "Pre-book weekend carrier capacity when a promise date is at risk", QualityEngineer, "on-time-delivery", ct);

        await MoveToAsync(At(4, 16), "Both decisions are done and verified with evidence", ct);
        await cast.Maintenance.PostAsync($"/api/actions/{vibration}/claim", new { text = "Vibration check added to the PM plan", documentReference = "PM-CNC-4 rev C" }, ct);
        await cast.QualityEngineering.PostAsync($"/api/actions/{carrier}/claim", new { text = "Carrier framework booking in place", documentReference = "FF-2026-117" }, ct);
        await cast.Quality.PostAsync($"/api/actions/{vibration}/verify", new { }, ct);
        await cast.Quality.PostAsync($"/api/actions/{carrier}/verify", new { }, ct);
        narrator.Fact($"verified by {QualityLead}: the vibration check (scrap-rate) and the carrier booking (on-time-delivery)");

        await MoveToAsync(At(4, 17), "The review closes and issues its minutes", ct);
        _record.Minutes = await cast.Manager.PostAsync($"/api/reviews/{reviewId}/close", new { }, ct);
        _record.MinutesMarkdown = await cast.Manager.GetTextAsync($"/api/reviews/{reviewId}/minutes?format=markdown", ct);
        narrator.Table(["carried-over action", "owner", "status at the close"],
            _record.Minutes.Items("carriedOver").Select(a => new[] { a.Text("title"), a.Text("owner"), a.Text("status") }));
        narrator.Fact($"new actions: {string.Join("; ", _record.Minutes.Items("newActions").Select(a => $"{a.Text("title")} ({a.Text("status")})"))}");
        _record.ScrapRateAction = await ActionAsync(vibration, ct);
        _record.OnTimeDeliveryAction = await ActionAsync(carrier, ct);
    }

    /// <summary>The next weeks: SH-900 leaves a day late; scrap falls, on-time delivery does not rise; the verification windows end.</summary>
    private async Task ShipAndMeasureAsync(CancellationToken ct)
    {
        await MoveToAsync(At(5, 18), "SH-900 for SO-1001 is dispatched, a day after its promise date", ct);
        await PostEventsAsync(ct, Event("sh-900-dispatched", "sap-oh", "ShipmentDispatched", "shipment/SH-900", At(5, 18), new { shipmentId = "SH-900", dispatchedAt = At(5, 18) }));

        await MoveToAsync(At(11, 18), "The following week's KPIs arrive from the MES and ERP", ct);
        await PostEventsAsync(ct,
            Event("kpi-scrap-w49", "mes-qms", "KpiMeasured", "kpi/scrap-rate", At(11, 18), new { kpi = "scrap-rate", value = 1.4m, unit = "%", measuredAt = At(11, 18) }),
            Event("kpi-otd-w49", "sap-oh", "KpiMeasured", "kpi/on-time-delivery", At(11, 18), new { kpi = "on-time-delivery", value = 90.5m, unit = "%", measuredAt = At(11, 18) }));
        // The readings reach the actions service over the bus, and a window is judged on what it holds when the
        // window ends: the plant's clock moves on only once they are there, as a plant's day would have given them time.
        await ReadingArrivedAsync("scrap-rate", At(11, 18), ct);
        await ReadingArrivedAsync("on-time-delivery", At(11, 18), ct);

        var verified = _record.ScrapRateAction.At("verifiedAt").GetDateTimeOffset();
        await MoveToAsync(verified.AddDays(14).AddHours(1), "The 14-day verification windows end", ct);
        var (scrap, delivery) = await narrator.WhileAsync("actions: judging whether each closure moved its KPI", async () =>
            (await JudgedAsync(_record.ScrapRateAction, ct), await JudgedAsync(_record.OnTimeDeliveryAction, ct)));
        _record.ScrapRateAction = scrap;
        _record.OnTimeDeliveryAction = delivery;
        narrator.Fact($"'{scrap.Text("title")}': KPI moved = {scrap.At("movedKpis")} (scrap 3.4 % → 1.4 %)");
        narrator.Fact($"'{delivery.Text("title")}': KPI moved = {delivery.At("movedKpis")} (on-time delivery 91 % → 90.5 %) — flagged: closed without KPI movement");
        _record.Metrics = await cast.Manager.GetAsync($"/api/metrics/execution?site={Site}", ct);
        foreach (var row in _record.Metrics.Items("rows"))
            narrator.Fact($"execution metrics, {row.Text("group")}: on-time closure rate {row.At("onTimeClosureRate").GetDouble():P0}, " +
                          $"average {row.At("averageDaysToClose").GetDouble():0.0} days to close, {row.At("overdue")} overdue, " +
                          $"repeat issue rate {row.At("repeatIssueRate").GetDouble():P0}, {row.At("closedWithoutKpiMovement")} closed without KPI movement");
    }

    private async Task<Guid> DecideAsync(Guid reviewId, string text, string owner, string kpi, CancellationToken ct)
    {
        var decided = await cast.Manager.PostAsync($"/api/reviews/{reviewId}/decisions", new { text, owner, due = At(11, 17), kpis = new[] { kpi } }, ct);
        narrator.Fact($"decision → action for {owner}: {text} (KPI {kpi})");
        return decided.At("action.id").GetGuid();
    }

    private async Task<JsonElement> ActionAsync(Guid actionId, CancellationToken ct) => (await cast.Manager.GetAsync($"/api/actions/{actionId}", ct)).At("state");

    private Task<JsonElement> ReadingArrivedAsync(string kpi, DateTimeOffset measuredAt, CancellationToken ct) =>
        Waiting.UntilAsync($"the {kpi} reading of {measuredAt:ddd d MMM} in the actions service", async () =>
            await cast.Manager.GetAsync($"/api/kpis/{Site}/{kpi}", ct) is { } view && view.At("latestAt").ValueKind == JsonValueKind.String
                && view.At("latestAt").GetDateTimeOffset() >= measuredAt ? view : null, ct);

    /// <summary>The action once its verification window has been judged (<c>movedKpis</c> true or false).</summary>
    private Task<JsonElement> JudgedAsync(JsonElement action, CancellationToken ct) =>
        Waiting.UntilAsync($"the closure of '{action.Text("title")}' judged", async () =>
            await ActionAsync(action.At("id").GetGuid(), ct) is { } now && now.At("movedKpis").ValueKind is JsonValueKind.True or JsonValueKind.False ? now : null, ct);
}
