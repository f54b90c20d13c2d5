using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// The flow indicators of one hand-built week at Dayton (and one grant at Smyrna), through the real intake, the real case writer and
/// real RabbitMQ, each figure worked out by hand from the history below. The period is two weeks from Monday 23 November, so
/// frequencies per week are half their counts.
/// </summary>
public sealed class FlowIndicatorTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private static readonly DateTimeOffset Mon = PlantDay.Monday;
    private static readonly DateTimeOffset Tue = Mon.AddDays(1), Wed = Mon.AddDays(2), Thu = Mon.AddDays(3);
    private BusProbe _probe = null!;

    public async Task InitializeAsync() => _probe = await new BusProbe(app.Bus).Listen<ActionRequested>().Listen<KpiMeasurementReceived>().StartAsync();

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    private static object Released(string id, string workCenter, DateTimeOffset at, string? salesOrderId, params object[] routing) =>
        Released("OH-DAYTON", id, workCenter, at, salesOrderId, routing);

    private static object Released(string site, string id, string workCenter, DateTimeOffset at, string? salesOrderId, params object[] routing) =>
        PlantDay.Event(id, "sap-oh", "ProductionOrderReleased", $"production-order/{id}", at,
            new { orderId = id, salesOrderId, item = "AXLE-40", quantity = 100, workCenter, due = PlantDay.Friday, materials = Array.Empty<object>(), routing }, site);

    private static object Step(int step, string workCenter, DateTimeOffset plannedStart, DateTimeOffset plannedFinish) =>
        new { step, workCenter, plannedStart, plannedFinish };

    private static object Operation(string type, string order, int step, string workCenter, DateTimeOffset at, string site = "OH-DAYTON") =>
        PlantDay.Event($"{type}-{order}-{step}", "mes", type, $"production-order/{order}", at, new { productionOrderId = order, step, workCenter }, site);

    private static object Confirmed(string site, string id, DateTimeOffset at) =>
        PlantDay.Event(id, "sap-oh", "SalesOrderConfirmed", $"sales-order/{id}", at,
            new { orderId = id, customer = "Acme Axles", item = "AXLE-40", quantity = 100, promiseDate = PlantDay.Friday, value = 12_000, currency = "USD" }, site);

    /// <summary>The week's orders (<paramref name="x"/> tells one copy's ids from another's).</summary>
    private static object[] Orders(string site, string x) =>
    [
        // Order-to-production lag: SO-A 2 h (its second order, later, does not count), SO-B 24 h, SO-C not released yet; SO-D was last week's.
        Confirmed(site, $"SO-A{x}", Mon.AddHours(6)), Confirmed(site, $"SO-B{x}", Mon.AddHours(7)), Confirmed(site, $"SO-C{x}", Tue.AddHours(10)),
        Confirmed(site, $"SO-D{x}", Mon.AddHours(-4)),
        Released(site, $"PR-A1{x}", "CNC-4", Mon.AddHours(8), $"SO-A{x}", Step(10, "CNC-4", Mon.AddHours(8), Mon.AddHours(10)), Step(20, "ASM-1", Mon.AddHours(11), Mon.AddHours(13))),
        Released(site, $"PR-A2{x}", "CNC-4", Mon.AddHours(9), $"SO-A{x}"),
        Released(site, $"PR-B{x}", "CNC-4", Tue.AddHours(7), $"SO-B{x}", Step(10, "CNC-4", Tue.AddHours(8), Tue.AddHours(12)), Step(20, "ASM-1", Tue.AddHours(13), Tue.AddHours(15))),
        Released(site, $"PR-D{x}", "ASM-1", Mon.AddHours(6).AddMinutes(30), $"SO-D{x}"),
    ];

    /// <summary>What the MES reports of the week's steps.</summary>
    private static object[] Steps(string site, string x) =>
    [
        // PR-A1: released 08:00, step 10 on CNC-4 08:30–10:00 (planned 08:00–10:00), waits 2 h, step 20 on ASM-1 12:00–14:00 (planned 11:00–13:00).
        Operation("OperationStarted", $"PR-A1{x}", 10, "CNC-4", Mon.AddHours(8.5), site), Operation("OperationCompleted", $"PR-A1{x}", 10, "CNC-4", Mon.AddHours(10), site),
        Operation("OperationStarted", $"PR-A1{x}", 20, "ASM-1", Mon.AddHours(12), site), Operation("OperationCompleted", $"PR-A1{x}", 20, "ASM-1", Mon.AddHours(14), site),
        // PR-B: released Tuesday 07:00, step 10 09:00–11:30 (planned 08:00–12:00); step 20 never started.
        Operation("OperationStarted", $"PR-B{x}", 10, "CNC-4", Tue.AddHours(9), site), Operation("OperationCompleted", $"PR-B{x}", 10, "CNC-4", Tue.AddHours(11.5), site),
    ];

    [Fact]
    public async Task A_hand_built_week_gives_every_flow_indicator_exactly()
    {
        await app.PostEventsAsync(Orders("OH-DAYTON", ""));
        await app.PostEventsAsync(Steps("OH-DAYTON", ""));

        // QH-1 raised Wednesday 10:30:00, reaches the service a second later; its functions have their actions at 10:30:02 and start them by 12:30.
        var first = await HoldAsync("QH-1", "L-H1", raised: Wed.AddHours(10.5), arrives: Wed.AddHours(10.5).AddSeconds(1), linked: Wed.AddHours(10.5).AddSeconds(2));
        foreach (var request in first)
            await _probe.PublishAsync(new ActionItemStarted(request.ActionId, "OH-DAYTON", ActionSourceKind.Exception, request.RequestId.ToString(), null,
                "quality.owner", Wed.AddHours(12.5)));
        await WaitForAsync(first[0].CaseId, a => a.TryGetProperty("startedAt", out var at) && at.ValueKind != JsonValueKind.Null, "every action of QH-1 started");
        // QH-2 raised Thursday 14:00:00, arrives at 14:00:03, its actions exist at 14:00:05; nobody has started yet.
        await HoldAsync("QH-2", "L-H2", raised: Thu.AddHours(14), arrives: Thu.AddHours(14).AddSeconds(3), linked: Thu.AddHours(14).AddSeconds(5));

        // Three overtime grants and one expedite at Dayton in the period; a purchase order and last week's overtime do not count; one overtime at Smyrna.
        ApprovalGranted Granted(string site, string kind, DateTimeOffset at) =>
            new(Guid.NewGuid(), null, null, site, kind, $"{kind}-{at:MMdd}", kind, 1, "plant.manager", at);
        foreach (var grant in new[]
        {
            Granted("OH-DAYTON", "overtime", Mon.AddHours(15)), Granted("OH-DAYTON", "Overtime", Wed.AddHours(9)), Granted("OH-DAYTON", "overtime", Mon.AddDays(8)),
            Granted("OH-DAYTON", "expedite", Tue.AddHours(16)), Granted("OH-DAYTON", "purchase-order", Tue.AddHours(16)), Granted("OH-DAYTON", "overtime", Mon.AddDays(-2)),
            Granted("TN-SMYRNA", "overtime", Thu),
        })
            await _probe.PublishAsync(grant);
        await Eventually.TrueAsync(async () => await app.CountAsync("SELECT count(*) FROM exceptions.flow_approvals") == 7, "every grant is kept");

        app.Clock.Set(Mon.AddDays(15));
        var report = await app.Client.GetFromJsonAsync<JsonElement>($"/metrics/flow?from={Iso(Mon)}&to={Iso(Mon.AddDays(14))}");
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!);
        Assert.Equal(["OH-DAYTON", "TN-SMYRNA"], rows.Keys);
        var dayton = rows["OH-DAYTON"];

        AssertDurations(dayton, "orderToProductionLag", count: 2, pending: 1, mean: 46_800, p50: 7_200, p90: 86_400, max: 86_400);
        // PR-A1 30 min, PR-B 2 h; PR-A2 and PR-D never started.
        AssertDurations(dayton, "releaseToStart", count: 2, pending: 2, mean: 4_500, p50: 1_800, p90: 7_200, max: 7_200);
        // PR-A1 waited 2 h between its steps; PR-B's step 20 is still waiting.
        AssertDurations(dayton, "waitingBetweenSteps", count: 1, pending: 1, mean: 7_200, p50: 7_200, p90: 7_200, max: 7_200);
        // Due: PR-A1/10 (on time), PR-A1/20 (an hour late), PR-B/10 (on time), PR-B/20 (never done). Start delays 30, 60, 60 min.
        AssertAdherence(dayton, due: 4, onTime: 2, rate: 0.5, meanStartDelay: 3_000);
        // QH-1: 2 s from the hold to its last function notified; QH-2: 5 s.
        AssertDurations(dayton, "holdCascadeLatency", count: 2, pending: 0, mean: 3.5, p50: 2, p90: 5, max: 5);
        // QH-1 opened 10:30:01, its last action started 12:30:00; QH-2's actions are not started.
        AssertDurations(dayton, "exceptionResponseTime", count: 1, pending: 1, mean: 7_199, p50: 7_199, p90: 7_199, max: 7_199);
        Assert.Equal((3, 1.5), Frequency(dayton, "unplannedOvertime"));
        Assert.Equal((1, 0.5), Frequency(dayton, "expedite"));
        Assert.Equal((1, 0.5), Frequency(rows["TN-SMYRNA"], "unplannedOvertime"));
        AssertDurations(rows["TN-SMYRNA"], "releaseToStart", count: 0, pending: 0, mean: null, p50: null, p90: null, max: null);

        var byWorkCenter = (await app.Client.GetFromJsonAsync<JsonElement>($"/metrics/flow?groupBy=workCenter&site=OH-DAYTON&from={Iso(Mon)}&to={Iso(Mon.AddDays(14))}"))
            .GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!);
        Assert.Equal(["OH-DAYTON/ASM-1", "OH-DAYTON/CNC-4"], byWorkCenter.Keys);
        var (cnc4, asm1) = (byWorkCenter["OH-DAYTON/CNC-4"], byWorkCenter["OH-DAYTON/ASM-1"]);
        AssertDurations(cnc4, "releaseToStart", count: 2, pending: 1, mean: 4_500, p50: 1_800, p90: 7_200, max: 7_200);
        AssertDurations(asm1, "releaseToStart", count: 0, pending: 1, mean: null, p50: null, p90: null, max: null);
        // Waiting is the next step's: both waits are at ASM-1.
        AssertDurations(asm1, "waitingBetweenSteps", count: 1, pending: 1, mean: 7_200, p50: 7_200, p90: 7_200, max: 7_200);
        AssertDurations(cnc4, "waitingBetweenSteps", count: 0, pending: 0, mean: null, p50: null, p90: null, max: null);
        AssertAdherence(cnc4, due: 2, onTime: 2, rate: 1.0, meanStartDelay: 2_700);
        AssertAdherence(asm1, due: 2, onTime: 0, rate: 0.0, meanStartDelay: 3_600);
        // The site's own indicators are in the site's rows, not a work center's.
        Assert.Equal(JsonValueKind.Null, cnc4.GetProperty("holdCascadeLatency").ValueKind);

        // The same week at Flint, every fact posted alone and in reverse: steps before their orders, orders before their sales orders.
        foreach (var fact in Orders("MI-FLINT", "-F").Concat(Steps("MI-FLINT", "-F")).Reverse()) await app.PostEventsAsync(fact);
        var flint = (await app.Client.GetFromJsonAsync<JsonElement>($"/metrics/flow?site=MI-FLINT&from={Iso(Mon)}&to={Iso(Mon.AddDays(14))}"))
            .GetProperty("rows").EnumerateArray().Single();
        foreach (var indicator in new[] { "orderToProductionLag", "releaseToStart", "waitingBetweenSteps", "scheduleAdherence" })
            Assert.Equal(dayton.GetProperty(indicator).GetRawText(), flint.GetProperty(indicator).GetRawText());

        var smyrnaOnly = await app.Client.GetFromJsonAsync<JsonElement>($"/metrics/flow?site=TN-SMYRNA&from={Iso(Mon)}&to={Iso(Mon.AddDays(14))}");
        Assert.Equal(["TN-SMYRNA"], smyrnaOnly.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("group").GetString()));

        // Flow as KPIs: at Tuesday 00:00 the week before it was measured (the clock passed it once the orders were in). Lag over SO-D 10.5 h,
        // SO-A 2 h and SO-B 24 h: median 10.5 h; release to start over PR-A1 alone (PR-B came later): 0.5 h.
        Dictionary<string, KpiMeasurementReceived> Tuesdays() =>
            _probe.Received<KpiMeasurementReceived>().Where(r => r.Site == "OH-DAYTON" && r.MeasuredAt == Tue).DistinctBy(r => r.Kpi).ToDictionary(r => r.Kpi);
        // Eight indicators, those with nothing ended that week left out: no hold and no case yet, so six.
        await Eventually.TrueAsync(() => Tuesdays().Count == 6, "Tuesday's flow readings");
        var readings = Tuesdays();
        Assert.Equal(("exceptions:flow", 10.5m, "h"), (readings["flow.order-to-production-lag-h"].Source, readings["flow.order-to-production-lag-h"].Value, readings["flow.order-to-production-lag-h"].Unit));
        Assert.Equal(0.5m, readings["flow.release-to-start-h"].Value);
        Assert.Equal($"OH-DAYTON/flow.release-to-start-h/{Tue:O}", readings["flow.release-to-start-h"].SourceEventId);
        Assert.DoesNotContain("flow.hold-cascade-latency-s", readings.Keys); // no hold that week
    }

    [Fact]
    public async Task A_grouping_it_does_not_know_or_a_period_ending_before_it_starts_is_refused()
    {
        var grouping = await app.Client.GetAsync("/metrics/flow?groupBy=shift");
        Assert.Equal(HttpStatusCode.BadRequest, grouping.StatusCode);
        Assert.True((await grouping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("groupBy", out _));
        var backwards = await app.Client.GetAsync($"/metrics/flow?from={Iso(Thu)}&to={Iso(Mon)}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    [Fact]
    public async Task A_routing_planned_to_finish_before_it_starts_or_a_step_numbered_0_is_rejected_at_the_intake()
    {
        var response = await app.Client.PostAsJsonAsync("/events", new[]
        {
            Released("PR-BAD", "CNC-4", Mon, null, Step(10, "CNC-4", Mon.AddHours(2), Mon.AddHours(1))),
            Operation("OperationStarted", "PR-BAD", 0, "CNC-4", Mon),
        });
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.Equal("rejected", r.GetProperty("status").GetString()));
        Assert.Contains("finish before it starts", results[0].GetProperty("problem").GetProperty("detail").GetString());
        Assert.Contains("numbered from 1", results[1].GetProperty("problem").GetProperty("detail").GetString());
    }

    private sealed record Linked(Guid CaseId, Guid RequestId, Guid ActionId);

    /// <summary>Raises a hold on a lot of its own (nothing consumes it), then has the actions service create every action the case asks for.</summary>
    private async Task<List<Linked>> HoldAsync(string holdId, string lotId, DateTimeOffset raised, DateTimeOffset arrives, DateTimeOffset linked)
    {
        await app.PostEventsAsync(PlantDay.Event($"rcv-{lotId}", "sap-oh", "MaterialReceived", $"lot/{lotId}", raised.AddHours(-2),
            new { purchaseOrderId = $"PO-{lotId}", lotId, item = "BAR-STOCK", quantity = 500 }));
        app.Clock.Set(arrives);
        await app.PostEventsAsync(PlantDay.Event(holdId, "mes-qms", "QualityHoldRaised", $"lot/{lotId}", raised, new { holdId, lotId, reason = "hardness out of spec" }));
        var caseId = Guid.Parse((await app.WaitForCaseAsync("QualityHold", lotId, "responding")).GetProperty("caseId").GetString()!);
        var asked = (await app.CaseAsync(caseId.ToString())).GetProperty("state").GetProperty("actions").GetArrayLength();
        var requests = new List<ActionRequested>();
        await Eventually.TrueAsync(() => (requests = [.. _probe.Received<ActionRequested>().Where(r => r.CaseId == caseId)]).Count == asked, $"{holdId}'s action requests");

        app.Clock.Set(linked);
        var created = requests.Select(r => new Linked(caseId, r.RequestId, Guid.NewGuid())).ToList();
        foreach (var c in created)
            await _probe.PublishAsync(new ActionItemCreated(c.ActionId, "OH-DAYTON", ActionSourceKind.Exception, c.RequestId.ToString(), null, "respond", "owner", PlantDay.Friday, linked));
        await WaitForAsync(caseId, a => a.GetProperty("status").GetString() == "open", $"every action of {holdId} linked");
        return created;
    }

    private async Task WaitForAsync(Guid caseId, Func<JsonElement, bool> everyAction, string what) =>
        await Eventually.TrueAsync(async () => (await app.CaseAsync(caseId.ToString())).GetProperty("state").GetProperty("actions").EnumerateArray().All(everyAction), what);

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    private static void AssertDurations(JsonElement row, string indicator, int count, int pending, double? mean, double? p50, double? p90, double? max)
    {
        var d = row.GetProperty(indicator);
        double? N(string name) => d.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Math.Round(d.GetProperty(name).GetDouble(), 3);
        Assert.Equal((count, pending, mean, p50, p90, max),
            (d.GetProperty("count").GetInt32(), d.GetProperty("pending").GetInt32(), N("meanSeconds"), N("p50Seconds"), N("p90Seconds"), N("maxSeconds")));
    }

    private static void AssertAdherence(JsonElement row, int due, int onTime, double rate, double meanStartDelay)
    {
        var a = row.GetProperty("scheduleAdherence");
        Assert.Equal((due, onTime, rate, meanStartDelay),
            (a.GetProperty("due").GetInt32(), a.GetProperty("onTime").GetInt32(), a.GetProperty("rate").GetDouble(), a.GetProperty("meanStartDelaySeconds").GetDouble()));
    }

    private static (int, double) Frequency(JsonElement row, string indicator) =>
        (row.GetProperty(indicator).GetProperty("granted").GetInt32(), row.GetProperty(indicator).GetProperty("perWeek").GetDouble());
}
