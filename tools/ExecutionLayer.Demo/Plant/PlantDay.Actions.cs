using ExecutionLayer.Client.Api.Reviews.Item.Minutes;
using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>
    /// Tuesday–Wednesday: the hold is released after a retest before the quality lead decided the use-as-is deviation — her click is
    /// held until she confirms on the data now; maintenance fixes CNC-4 and the quality lead verifies it.
    /// </summary>
    private async Task RepairAndReleaseAsync(CancellationToken ct)
    {
        await MoveToAsync(At(1, 14, 45), "Retest passes: quality releases hold QH-1", ct);
        await PostEventsAsync(ct, Event("hold-qh1-released", "mes-qms", "lot/L-5521", At(1, 14, 45), new QualityHoldReleasedEvent { Data = new() { HoldId = "QH-1", LotId = "L-5521" } }));
        await narrator.WhileAsync("exceptions: the hold case sees its deviation cleared", () => Waiting.UntilAsync("the hold case resolved", async () =>
        {
            var found = await CaseAsync(_record.HoldCase.CaseId!.Value, ct);
            return found.State?.Status is CaseStatus.Resolved or CaseStatus.Closed ? found : null;
        }, ct));

        await MoveToAsync(At(1, 15), $"{QualityLead} rejects the use-as-is deviation from the bridge's link, not knowing the hold is gone", ct);
        var deviation = bridge.Notices.First(n => n.Type == "approval.requested" && n.Approver == QualityLead);
        const string comment = "No use-as-is: the lot passed its retest";
        var (_, held) = await bridge.ClickOrHeldAsync(cast.DecisionLinks, deviation, "reject", comment, ct);
        _record.DeviationHeld = held ?? throw new InvalidOperationException("The deviation's decision was not held, though the hold it was asked for is released.");
        narrator.Fact($"held (409 context-changed): {string.Join(" ", held.Reasons)}");
        await bridge.ConfirmAsync(cast.DecisionLinks, deviation, "reject", comment, held, ct);
        _record.DeviationDecided = (await cast.PlanningDesk.Api.Approvals[deviation.ApprovalId].GetAsync(cancellationToken: ct))!;
        narrator.Fact($"{QualityLead} confirms on the data now: deviation {Camel(_record.DeviationDecided.State?.Status)}");

        await MoveToAsync(At(2, 10), "Maintenance replaces the spindle bearing and claims its action", ct);
        var caseActions = await CaseActionsAsync(_record.MachineCaseId, _record.MachineCase.State!.RoutedTo!.Count, ct);
        _record.CaseActions = caseActions;
        var repair = caseActions.Single(a => a.Owner == MaintenanceLead).ActionId!.Value;
        await cast.Maintenance.Api.Actions[repair].Claim.PostAsync(new() { Text = "Spindle bearing replaced; vibration within limits", DocumentReference = "WO-5521" }, cancellationToken: ct);
        await PostEventsAsync(ct, Event("cnc4-up", "mes-cnc", "work-center/CNC-4", At(2, 10),
            new MachineStateChangedEvent { Data = new() { WorkCenter = "CNC-4", State = MachineStateChanged_state.Running } }));
        await MoveToAsync(At(2, 11), "The quality lead verifies the repair", ct);
        _record.MaintenanceAction = (await cast.Quality.Api.Actions[repair].Verify.PostAsync(new(), cancellationToken: ct))!;
        var verifiedRepair = _record.MaintenanceAction.State!;
        narrator.Fact($"action '{verifiedRepair.Title}' {Camel(verifiedRepair.Status)} by {verifiedRepair.VerifiedBy}");
    }

    /// <summary>Friday: the weekly review opens with the open actions, turns two decisions into actions, closes two with evidence, issues minutes.</summary>
    private async Task RunTheWeeklyReviewAsync(CancellationToken ct)
    {
        await MoveToAsync(At(4, 14), "Weekly operations review", ct);
        _record.ReviewOpened = (await cast.Manager.Api.Reviews.PostAsync(new()
        {
            Kind = ReviewKind.WeeklyOps, Site = Site, Title = "Dayton weekly ops", Attendees = [PlantManager, MaintenanceLead, QualityLead, Planner],
        }, cancellationToken: ct))!;
        var reviewId = _record.ReviewOpened.Id!.Value;
        var review = cast.Manager.Api.Reviews[reviewId];
        narrator.Fact($"agenda: objectives in red {string.Join(", ", (_record.ReviewOpened.RedObjectives ?? []).Select(o => $"{o.ObjectiveId} (score {o.Score:0.00}{(o.Flags is { Count: > 0 } f ? $"; {string.Join(", ", f)}" : "")})"))}; " +
                      $"{_record.ReviewOpened.CarriedOver?.Count ?? 0} open action(s) carried over; KPIs {string.Join(", ", (_record.ReviewOpened.Kpis ?? []).Select(k => k.Kpi))}");

        var vibration = await DecideAsync(reviewId, "Add a spindle vibration check to the CNC PM plan", MaintenanceLead, "scrap-rate", ct);
        var carrier = await DecideAsync(reviewId, "Pre-book weekend carrier capacity when a promise date is at risk", QualityEngineer, "on-time-delivery", ct);

        await MoveToAsync(At(4, 16), "Both decisions are done and verified with evidence", ct);
        await cast.Maintenance.Api.Actions[vibration].Claim.PostAsync(new() { Text = "Vibration check added to the PM plan", DocumentReference = "PM-CNC-4 rev C" }, cancellationToken: ct);
        await cast.QualityEngineering.Api.Actions[carrier].Claim.PostAsync(new() { Text = "Carrier framework booking in place", DocumentReference = "FF-2026-117" }, cancellationToken: ct);
        await cast.Quality.Api.Actions[vibration].Verify.PostAsync(new(), cancellationToken: ct);
        await cast.Quality.Api.Actions[carrier].Verify.PostAsync(new(), cancellationToken: ct);
        narrator.Fact($"verified by {QualityLead}: the vibration check (scrap-rate) and the carrier booking (on-time-delivery)");

        await MoveToAsync(At(4, 17), "The review closes and issues its minutes", ct);
        _record.Minutes = (await review.Close.PostAsync(new(), cancellationToken: ct))!;
        using (var markdown = (await review.Minutes.GetAsync(q => q.QueryParameters.Format = GetFormatQueryParameterType.Markdown, ct))!)
        using (var reader = new StreamReader(markdown))
            _record.MinutesMarkdown = await reader.ReadToEndAsync(ct);
        narrator.Table(["carried-over action", "owner", "status at the close"],
            (_record.Minutes.CarriedOver ?? []).Select(a => new[] { a.Title ?? "", a.Owner ?? "", Camel(a.Status) }));
        narrator.Fact($"new actions: {string.Join("; ", (_record.Minutes.NewActions ?? []).Select(a => $"{a.Title} ({Camel(a.Status)})"))}");
        _record.ScrapRateAction = await ActionAsync(vibration, ct);
        _record.OnTimeDeliveryAction = await ActionAsync(carrier, ct);
    }

    /// <summary>The next weeks: SH-900 leaves a day late; scrap falls, on-time delivery does not rise; the verification windows end.</summary>
    private async Task ShipAndMeasureAsync(CancellationToken ct)
    {
        await MoveToAsync(At(5, 18), "SH-900 for SO-1001 is dispatched, a day after its promise date", ct);
        await PostEventsAsync(ct, Event("sh-900-dispatched", "sap-oh", "shipment/SH-900", At(5, 18), new ShipmentDispatchedEvent { Data = new() { ShipmentId = "SH-900", DispatchedAt = At(5, 18) } }));

        await MoveToAsync(At(11, 18), "The following week's KPIs arrive from the MES and ERP", ct);
        await PostEventsAsync(ct,
            Event("kpi-scrap-w49", "mes-qms", "kpi/scrap-rate", At(11, 18), new KpiMeasuredEvent { Data = new() { Kpi = "scrap-rate", Value = 1.4, Unit = "%", MeasuredAt = At(11, 18) } }),
            Event("kpi-otd-w49", "sap-oh", "kpi/on-time-delivery", At(11, 18), new KpiMeasuredEvent { Data = new() { Kpi = "on-time-delivery", Value = 90.5, Unit = "%", MeasuredAt = At(11, 18) } }));
        // The readings reach the actions service over the bus, and a window is judged on what it holds when the
        // window ends: the plant's clock moves on only once they are there, as a plant's day would have given them time.
        await ReadingArrivedAsync("scrap-rate", At(11, 18), ct);
        await ReadingArrivedAsync("on-time-delivery", At(11, 18), ct);

        var verified = _record.ScrapRateAction.VerifiedAt!.Value;
        await MoveToAsync(verified.AddDays(14).AddHours(1), "The 14-day verification windows end", ct);
        var (scrap, delivery) = await narrator.WhileAsync("actions: judging whether each closure moved its KPI", async () =>
            (await JudgedAsync(_record.ScrapRateAction, ct), await JudgedAsync(_record.OnTimeDeliveryAction, ct)));
        _record.ScrapRateAction = scrap;
        _record.OnTimeDeliveryAction = delivery;
        narrator.Fact($"'{scrap.Title}': KPI moved = {scrap.MovedKpis} (scrap 3.4 % → 1.4 %)");
        narrator.Fact($"'{delivery.Title}': KPI moved = {delivery.MovedKpis} (on-time delivery 91 % → 90.5 %) — flagged: closed without KPI movement");
        _record.Metrics = (await cast.Manager.Api.Metrics.Execution.GetAsync(q => q.QueryParameters.Site = Site, ct))!;
        foreach (var row in _record.Metrics.Rows ?? [])
            narrator.Fact($"execution metrics, {row.Group}: on-time closure rate {row.OnTimeClosureRate:P0}, " +
                          $"average {row.AverageDaysToClose:0.0} days to close, {row.Overdue} overdue, " +
                          $"repeat issue rate {row.RepeatIssueRate:P0}, {row.ClosedWithoutKpiMovement} closed without KPI movement");
        _record.Scorecard = (await cast.Manager.Api.Scorecard.GetAsync(q => { q.QueryParameters.Site = Site; q.QueryParameters.Period = Quarter; }, ct))!;
        foreach (var objective in (_record.Scorecard.Perspectives ?? []).SelectMany(p => p.Objectives ?? []))
            narrator.Fact($"scorecard {_record.Scorecard.Period}, {Camel(objective.Perspective)}: '{objective.Name}' {Camel(objective.Status)} " +
                          $"(score {objective.Score:0.00}, rolled {objective.RolledScore:0.00}; {string.Join(", ", (objective.Kpis ?? []).Select(k => $"{k.Kpi} {k.Latest} → {k.Attainment:0.00}"))}; " +
                          $"{objective.Actions?.Open} open action(s) serving it)");
        _record.Flow = (await cast.Manager.Api.Metrics.Flow.GetAsync(q => { q.QueryParameters.Site = Site; q.QueryParameters.From = At(0, 0); q.QueryParameters.To = At(7, 0); }, ct))!;
        foreach (var row in _record.Flow.Rows ?? [])
            narrator.Fact($"flow, the week at {row.Group}: order-to-production lag {Minutes(row.OrderToProductionLag)}, release-to-start {Minutes(row.ReleaseToStart)}, " +
                          $"schedule adherence {row.ScheduleAdherence?.OnTime}/{row.ScheduleAdherence?.Due}, hold cascade {row.HoldCascadeLatency?.MaxSeconds:0.0} s, " +
                          $"exception response {Minutes(row.ExceptionResponseTime)}, {row.UnplannedOvertime?.Granted} overtime and {row.Expedite?.Granted} expedite approval(s)");
    }

    private static string Minutes(FlowDurations? d) =>
        d is { Count: > 0 } ? $"p50 {d.P50Seconds / 60:0.#} min over {d.Count} ({d.Pending} pending)" : $"none ended ({d?.Pending ?? 0} pending)";

    private async Task<Guid> DecideAsync(Guid reviewId, string text, string owner, string kpi, CancellationToken ct)
    {
        var decided = await cast.Manager.Api.Reviews[reviewId].Decisions.PostAsync(new() { Text = text, Owner = owner, Due = At(11, 17), Kpis = [kpi] }, cancellationToken: ct);
        narrator.Fact($"decision → action for {owner}: {text} (KPI {kpi})");
        return decided!.Action!.Id!.Value;
    }

    private async Task<ActionItem> ActionAsync(Guid actionId, CancellationToken ct) => (await cast.Manager.Api.Actions[actionId].GetAsync(cancellationToken: ct))!.State!;

    private Task<KpiView> ReadingArrivedAsync(string kpi, DateTimeOffset measuredAt, CancellationToken ct) =>
        Waiting.UntilAsync($"the {kpi} reading of {measuredAt:ddd d MMM} in the actions service", async () =>
            await cast.Manager.Api.Kpis[Site][kpi].GetAsync(cancellationToken: ct) is { LatestAt: { } latest } view && latest >= measuredAt ? view : null, ct);

    /// <summary>The action once its verification window has been judged (<c>movedKpis</c> true or false).</summary>
    private Task<ActionItem> JudgedAsync(ActionItem action, CancellationToken ct) =>
        Waiting.UntilAsync($"the closure of '{action.Title}' judged", async () =>
            await ActionAsync(action.Id!.Value, ct) is { MovedKpis: not null } now ? now : null, ct);
}
