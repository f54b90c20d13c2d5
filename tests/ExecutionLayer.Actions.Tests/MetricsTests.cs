using System.Net;
using System.Text.Json;
using ExecutionLayer.Testing;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>
/// The execution metrics on a hand-built fortnight at Dayton, with the answers worked out by hand.
/// Period: Monday 23 Nov to Monday 7 Dec; asked on Tuesday 1 Dec 09:00 (the week of 30 Nov).
/// <list type="table">
/// <item>A maint.lead, due 25 Nov, verified 24 Nov: on time, 1 day to close; scrap rate did not move in its 3-day window.</item>
/// <item>B maint.lead, due 25 Nov moved to 2 Dec, verified 27 Nov: late against its original date, 4 days to close.</item>
/// <item>C planner, due 26 Nov, open: overdue.</item>
/// <item>D planner, due 10 Dec, open, linked to on-time delivery, which is red.</item>
/// <item>E cs.rep, due 26 Nov, cancelled: not due.</item>
/// <item>F maint.lead, created 28 Nov, due 3 Dec: a repeat of A, due this week.</item>
/// </list>
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Nov23 = Given.Monday;
    private readonly ActionsApp _app = new();
    private readonly Dictionary<string, Guid> _ids = [];

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        await _app.DefineScrapRateAsync();
        await _app.SendAsync(HttpMethod.Put, $"/kpis/{Site}/otd", new
        {
            name = "On-time delivery", unit = "%", direction = "HigherIsBetter", target = 98m, green = 95m, red = 90m, perspective = "Customer",
        }, QualityLead, HttpStatusCode.OK);
        await _app.ReadAsync("otd", 86m, Nov23.AddHours(-3), "otd-w47");
        await _app.ReadAsync("scrap-rate", 2.2m, Nov23.AddHours(-1), "scrap-w47");

        _ids["A"] = await _app.CreateAsync(Body("A", MaintLead, Nov23.AddDays(2), ["scrap-rate"], window: 3));
        _ids["B"] = await _app.CreateAsync(Body("B", MaintLead, Nov23.AddDays(2), []));
        _ids["C"] = await _app.CreateAsync(Body("C", Planner, Nov23.AddDays(3), [], department: "planning"));
        _ids["D"] = await _app.CreateAsync(Body("D", Planner, Nov23.AddDays(17), ["otd"], department: "planning"));
        _ids["E"] = await _app.CreateAsync(Body("E", "cs.rep", Nov23.AddDays(3), [], department: "customer-service"));

        _app.Clock.Set(Nov23.AddDays(1));
        await _app.CloseAsync(_ids["A"]);
        await _app.DoAsync(_ids["B"], "due-date", MaintLead, new { due = Nov23.AddDays(9), reason = "Waiting for the vendor" });
        await _app.DoAsync(_ids["E"], "cancel", "cs.rep", new { reason = "Customer moved the order" });

        await _app.ReadAsync("scrap-rate", 2.4m, Nov23.AddDays(3), "scrap-w48");
        _app.Clock.Set(Nov23.AddDays(4));
        await _app.CloseAsync(_ids["B"]);
        await Eventually.TrueAsync(async () => (await _app.ActionAsync(_ids["A"])).GetProperty("movedKpis").ValueKind != JsonValueKind.Null, "A's window assessed");

        _app.Clock.Set(Nov23.AddDays(5));
        _ids["F"] = await _app.CreateAsync(Body("F", MaintLead, Nov23.AddDays(10), ["scrap-rate"]));
        _app.Clock.Set(Nov23.AddDays(8));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private static object Body(string name, string owner, DateTimeOffset due, string[] kpis, int window = 14, string department = "maintenance") => new
    {
        title = $"Action {name}", owner, due, site = Site, department, kpis, rootCauseTags = new[] { "spindle-bearing" }, requiredEvidence = "Document",
        verificationWindowDays = window, perspective = kpis.Contains("otd") ? "Customer" : "InternalProcess",
    };

    private async Task<JsonElement> RowsAsync(string groupBy) =>
        (await _app.GetAsync($"/metrics/execution?groupBy={groupBy}&from=2026-11-23T00:00:00Z&to=2026-12-07T00:00:00Z")).GetProperty("rows");

    [Fact]
    public async Task The_sites_figures_follow_the_definitions_exactly()
    {
        var row = Assert.Single((await RowsAsync("site")).EnumerateArray());
        Assert.Equal(Site, row.GetProperty("group").GetString());
        Assert.Equal((4, 1, 0.25), (row.GetProperty("dueInPeriod").GetInt32(), row.GetProperty("closedOnTime").GetInt32(), row.GetProperty("onTimeClosureRate").GetDouble()));
        Assert.Equal((2, 2.5), (row.GetProperty("closedInPeriod").GetInt32(), row.GetProperty("averageDaysToClose").GetDouble()));
        Assert.Equal(1, row.GetProperty("overdue").GetInt32());
        Assert.Equal(1, row.GetProperty("dueThisWeek").GetInt32());
        Assert.Equal((6, 1, 0.1667), (row.GetProperty("newInPeriod").GetInt32(), row.GetProperty("repeats").GetInt32(), row.GetProperty("repeatIssueRate").GetDouble()));
        Assert.Equal(1, row.GetProperty("closedWithoutKpiMovement").GetInt32());
        Assert.Equal((3, 1, 0.3333), (row.GetProperty("open").GetInt32(), row.GetProperty("openLinkedToRedKpis").GetInt32(), row.GetProperty("strategicAlignment").GetDouble()));
    }

    [Fact]
    public async Task By_owner_each_persons_figures_stand_alone_and_a_ratio_with_nothing_to_divide_by_is_null()
    {
        var rows = (await RowsAsync("owner")).EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!);
        Assert.Equal(["cs.rep", MaintLead, Planner], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.3333, rows[MaintLead].GetProperty("onTimeClosureRate").GetDouble());
        Assert.Equal(0.0, rows[Planner].GetProperty("onTimeClosureRate").GetDouble());
        Assert.Equal(JsonValueKind.Null, rows["cs.rep"].GetProperty("onTimeClosureRate").ValueKind);
        Assert.Equal(0.5, rows[Planner].GetProperty("strategicAlignment").GetDouble());
    }

    [Fact]
    public async Task By_kpi_an_action_counts_under_each_kpi_it_is_linked_to()
    {
        var rows = (await RowsAsync("kpi")).EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!);
        Assert.Equal(["(none)", "otd", "scrap-rate"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, rows["scrap-rate"].GetProperty("newInPeriod").GetInt32());
        Assert.Equal(1, rows["scrap-rate"].GetProperty("closedWithoutKpiMovement").GetInt32());
        Assert.Equal(1.0, rows["otd"].GetProperty("strategicAlignment").GetDouble());
    }

    [Fact]
    public async Task The_prioritised_list_ranks_an_at_risk_action_on_a_red_kpi_above_a_late_one_without_a_kpi_and_explains_each_risk()
    {
        var list = (await _app.GetAsync($"/actions/prioritised?site={Site}")).EnumerateArray().ToArray();
        Assert.Equal(3, list.Length);
        var scores = list.Select(r => r.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Equal(_ids["D"], list[0].GetProperty("action").GetProperty("actionId").GetGuid());
        var late = Assert.Single(list, r => r.GetProperty("action").GetProperty("actionId").GetGuid() == _ids["C"]);
        Assert.Equal(1.0, late.GetProperty("risk").GetProperty("probability").GetDouble());

        var risk = await _app.GetAsync($"/actions/{_ids["D"]}/risk");
        Assert.Equal("red", risk.GetProperty("worstKpi").GetString());
        Assert.InRange(risk.GetProperty("risk").GetProperty("probability").GetDouble(), 0.01, 0.99);
        var factors = risk.GetProperty("risk").GetProperty("factors").EnumerateArray().ToDictionary(f => f.GetProperty("factor").GetString()!);
        Assert.Equal(0.4, factors["owner-history"].GetProperty("value").GetDouble()); // C is past due: 0 of 1 on time, with the Beta(3, 1) prior
        Assert.Equal(1, factors["workload"].GetProperty("value").GetInt32()); // C is the planner's other open action
    }

    [Fact]
    public async Task A_perspective_filter_in_the_apis_spelling_finds_its_actions_and_an_unknown_one_is_refused()
    {
        // D is the one Customer action: the filter in camelCase (as the description lists it) or as the enum's name finds it alone.
        foreach (var spelled in new[] { "customer", "Customer" })
        {
            var row = Assert.Single((await _app.GetAsync($"/metrics/execution?perspective={spelled}&from=2026-11-23T00:00:00Z&to=2026-12-07T00:00:00Z")).GetProperty("rows").EnumerateArray());
            Assert.Equal((1, 1), (row.GetProperty("newInPeriod").GetInt32(), row.GetProperty("open").GetInt32()));
        }
        var unknown = await _app.As(PlantManager).GetAsync("/metrics/execution?perspective=happiness");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_is_refused()
    {
        var response = await _app.As(PlantManager).GetAsync("/metrics/execution?from=2026-12-07T00:00:00Z&to=2026-11-23T00:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
