using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.Objectives;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Tests;

/// <summary>
/// The cascade from boardroom to floor: the company's on-time delivery objective, Dayton's under it, and Dayton maintenance's
/// under that, each measured by weighted KPIs.
/// </summary>
public sealed class ObjectiveDefinitionTests
{
    private static readonly ObjectiveDefinition Corporate = new("Deliver on time", ObjectiveLevel.Corporate, null, null, null, Perspective.Customer, "ceo.carla", "2026",
        [new ObjectiveKpi("OH-DAYTON", "on-time-delivery", 2m), new ObjectiveKpi("TN-SMYRNA", "on-time-delivery", 1m)]);

    private static readonly ObjectiveDefinition Dayton = new("Dayton ships on time", ObjectiveLevel.Site, "OH-DAYTON", null, "deliver-on-time", Perspective.Customer,
        "pat.plant", "2026-Q4", [new ObjectiveKpi("OH-DAYTON", "on-time-delivery", 1m)]);

    private static readonly ObjectiveDefinition Maintenance = Dayton with
    {
        Name = "CNC uptime", Level = ObjectiveLevel.Department, Department = "maintenance", Parent = "dayton-on-time", Perspective = Perspective.InternalProcess,
        Owner = "maint.lead", Kpis = [new ObjectiveKpi("OH-DAYTON", "scrap-rate", 1m)],
    };

    private static Objective Defined(string id, ObjectiveDefinition definition) => new(id, 1, definition, false);

    private static readonly ObjectiveWorld Nothing = new(null, [], []);

    [Theory]
    [InlineData("2026", "2026-01-01", "2027-01-01")]
    [InlineData("2026-Q4", "2026-10-01", "2027-01-01")]
    [InlineData("2026-12", "2026-12-01", "2027-01-01")]
    [InlineData("2026-02", "2026-02-01", "2026-03-01")]
    public void A_period_is_a_year_a_quarter_or_a_month(string name, string from, string until)
    {
        var period = ObjectivePeriod.Parse(name)!;
        Assert.Equal((DateTimeOffset.Parse(from + "T00:00:00Z"), DateTimeOffset.Parse(until + "T00:00:00Z")), (period.From, period.Until));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("26")]
    [InlineData("next year")]
    public void Anything_else_is_not_a_period(string name) => Assert.Null(ObjectivePeriod.Parse(name));

    [Fact]
    public void Each_level_names_what_it_must_and_measures_at_its_own_site()
    {
        Assert.Empty(Corporate.Validate("deliver-on-time"));
        Assert.Contains("site", (Corporate with { Site = "OH-DAYTON" }).Validate("x").Keys);
        Assert.Contains("parent", (Dayton with { Parent = null }).Validate("dayton-on-time").Keys);
        Assert.Contains("kpis", (Dayton with { Kpis = [new ObjectiveKpi("TN-SMYRNA", "on-time-delivery", 1m)] }).Validate("dayton-on-time").Keys);
        Assert.Contains("kpis", (Dayton with { Kpis = [new ObjectiveKpi("OH-DAYTON", "on-time-delivery", 0m)] }).Validate("dayton-on-time").Keys);
        Assert.Contains("department", (Maintenance with { Department = null }).Validate("cnc-uptime").Keys);
        Assert.Contains("id", Corporate.Validate("Deliver On Time").Keys);
    }

    [Fact]
    public void The_cascade_runs_down_corporate_site_department_within_one_site()
    {
        var defined = ObjectiveDecisions.Define(Objective.Initial, "dayton-on-time", Dayton, Nothing with { Parent = Defined("deliver-on-time", Corporate) }, "pat.plant",
            DateTimeOffset.UnixEpoch);
        Assert.Equal(1, Assert.IsType<Objective.Event.Defined>(Assert.Single(defined)).Version);

        // A department straight under the company, or under another plant's objective, breaks the cascade.
        Assert.Equal("cascade", Assert.Throws<RuleViolationException>(() => ObjectiveDecisions.Define(Objective.Initial, "cnc-uptime", Maintenance,
            Nothing with { Parent = Defined("deliver-on-time", Corporate) }, "maint.lead", DateTimeOffset.UnixEpoch)).Rule);
        Assert.Equal("cascade", Assert.Throws<RuleViolationException>(() => ObjectiveDecisions.Define(Objective.Initial, "cnc-uptime", Maintenance,
            Nothing with { Parent = Defined("smyrna-on-time", Dayton with { Site = "TN-SMYRNA" }) }, "maint.lead", DateTimeOffset.UnixEpoch)).Rule);
        // A site objective with a department under it cannot become a department objective itself.
        Assert.Equal("cascade", Assert.Throws<RuleViolationException>(() => ObjectiveDecisions.Define(Defined("dayton-on-time", Dayton), "dayton-on-time",
            Dayton with { Level = ObjectiveLevel.Department, Department = "shipping" }, Nothing with { Parent = Defined("deliver-on-time", Corporate), Children = [ObjectiveLevel.Department] },
            "pat.plant", DateTimeOffset.UnixEpoch)).Rule);
    }

    [Fact]
    public void A_parent_or_a_KPI_that_does_not_exist_is_refused_and_the_same_definition_again_changes_nothing()
    {
        Assert.Equal("unknown-parent", Assert.Throws<RuleViolationException>(() =>
            ObjectiveDecisions.Define(Objective.Initial, "dayton-on-time", Dayton, Nothing, "pat.plant", DateTimeOffset.UnixEpoch)).Rule);
        Assert.Equal("unknown-kpi", Assert.Throws<RuleViolationException>(() => ObjectiveDecisions.Define(Objective.Initial, "deliver-on-time", Corporate,
            Nothing with { UndefinedKpis = ["TN-SMYRNA/on-time-delivery"] }, "ceo.carla", DateTimeOffset.UnixEpoch)).Rule);
        Assert.Empty(ObjectiveDecisions.Define(Defined("deliver-on-time", Corporate), "deliver-on-time", Corporate, Nothing, "ceo.carla", DateTimeOffset.UnixEpoch));
        Assert.Equal("has-children", Assert.Throws<RuleViolationException>(() =>
            ObjectiveDecisions.Retire(Defined("deliver-on-time", Corporate), "deliver-on-time", "ceo.carla", DateTimeOffset.UnixEpoch, hasChildren: true)).Rule);
    }
}

/// <summary>Objectives through the service: who may define which, and what a site's leaders read back.</summary>
public sealed class ObjectiveApiTests(ActionsApp app) : IClassFixture<ActionsApp>
{
    private async Task DefineKpisAsync()
    {
        await app.DefineScrapRateAsync();
        await app.SendAsync(HttpMethod.Put, $"/kpis/{ActionsApp.Site}/on-time-delivery", new
        {
            name = "On-time delivery", unit = "%", direction = "HigherIsBetter", target = 98m, green = 95m, red = 90m, perspective = "Customer",
        }, ActionsApp.QualityLead, HttpStatusCode.OK);
    }

    private static object Body(string name, string level, string? site, string? parent, string kpi, string? department = null, string period = "2026") => new
    {
        name, level, site, department, parent, perspective = "Customer", owner = "pat.plant", period, kpis = new[] { new { site = ActionsApp.Site, kpi, weight = 1m } },
    };

    [Fact]
    public async Task The_company_defines_its_objective_Dayton_and_its_maintenance_cascade_under_it_and_read_it_back_by_period()
    {
        await DefineKpisAsync();
        var corporate = await app.As("ceo.carla").PutAsJsonAsync("/objectives/deliver-on-time-2026", Body("Deliver on time", "corporate", null, null, "on-time-delivery"),
            JsonDefaults.Options);
        Assert.Equal(HttpStatusCode.Created, corporate.StatusCode);
        // A plant leader holding actions:write at Dayton (not admin) defines Dayton's and its department's.
        var leader = app.WithScopes(ActionsApp.PlantManager, [ActionsApp.Site], "actions:write");
        Assert.Equal(HttpStatusCode.Created, (await leader.PutAsJsonAsync("/objectives/dayton-on-time-2026-q4",
            Body("Dayton ships on time", "site", ActionsApp.Site, "deliver-on-time-2026", "on-time-delivery", period: "2026-Q4"), JsonDefaults.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await leader.PutAsJsonAsync("/objectives/cnc-scrap-2026-q4",
            Body("CNC scrap down", "department", ActionsApp.Site, "dayton-on-time-2026-q4", "scrap-rate", "maintenance", "2026-Q4"), JsonDefaults.Options)).StatusCode);
        // …but not the company's.
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PutAsJsonAsync("/objectives/grow-2026", Body("Grow", "corporate", null, null, "on-time-delivery"),
            JsonDefaults.Options)).StatusCode);

        var december = await leader.GetFromJsonAsync<JsonElement>($"/objectives?site={ActionsApp.Site}&period=2026-12");
        Assert.Equal(["cnc-scrap-2026-q4", "dayton-on-time-2026-q4", "deliver-on-time-2026"], december.EnumerateArray().Select(o => o.GetProperty("objectiveId").GetString()));
        var march = await leader.GetFromJsonAsync<JsonElement>($"/objectives?site={ActionsApp.Site}&period=2026-03");
        Assert.Equal(["deliver-on-time-2026"], march.EnumerateArray().Select(o => o.GetProperty("objectiveId").GetString()));

        // The company's objective cannot be retired while Dayton's serves it.
        var retire = await app.As("ceo.carla").DeleteAsync("/objectives/deliver-on-time-2026");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retire.StatusCode);
        Assert.Equal("has-children", (await retire.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Daytons_card_shows_a_company_objective_measured_at_Smyrna_too_as_partial_without_Smyrnas_readings()
    {
        foreach (var site in new[] { ActionsApp.Site, "TN-SMYRNA" })
        {
            await app.SendAsync(HttpMethod.Put, $"/kpis/{site}/partial-otd", new
            {
                name = "On-time delivery", unit = "%", direction = "HigherIsBetter", target = 98m, green = 95m, red = 90m, perspective = "Customer",
            }, ActionsApp.QualityLead, HttpStatusCode.OK);
            await app.SendAsync(HttpMethod.Post, $"/kpis/{site}/partial-otd/readings", new { value = 96m, measuredAt = Given.Monday.AddDays(-3) }, ActionsApp.QualityLead,
                HttpStatusCode.Created);
        }
        await app.SendAsync(HttpMethod.Put, "/objectives/partial-deliver", new
        {
            name = "Deliver on time, every plant", level = "corporate", perspective = "Customer", owner = "ceo.carla", period = "2026",
            kpis = new[] { new { site = ActionsApp.Site, kpi = "partial-otd", weight = 1m }, new { site = "TN-SMYRNA", kpi = "partial-otd", weight = 1m } },
        }, "ceo.carla", HttpStatusCode.Created);

        var card = await app.GetAsync($"/scorecard?site={ActionsApp.Site}&period=2026-Q4");
        var deliver = card.GetProperty("perspectives").EnumerateArray().SelectMany(p => p.GetProperty("objectives").EnumerateArray())
            .Single(o => o.GetProperty("objectiveId").GetString() == "partial-deliver");
        Assert.Contains(ScorecardFigures.Partial, deliver.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var kpis = deliver.GetProperty("kpis").EnumerateArray().ToDictionary(k => k.GetProperty("site").GetString()!);
        Assert.Equal(96m, kpis[ActionsApp.Site].GetProperty("latest").GetDecimal());
        Assert.Equal(JsonValueKind.Null, kpis["TN-SMYRNA"].GetProperty("latest").ValueKind);
    }

    [Fact]
    public async Task Daytons_scorecard_scores_its_objectives_rolls_them_up_and_lists_the_work_that_serves_none()
    {
        await DefineKpisAsync();
        await app.ReadAsync("on-time-delivery", 95m, Given.Monday.AddDays(-3), "otd-w47");
        await app.ReadAsync("scrap-rate", 3.4m, Given.Monday.AddDays(-3), "scrap-w47");
        await app.SendAsync(HttpMethod.Put, "/objectives/card-deliver", Body("Deliver on time", "corporate", null, null, "on-time-delivery"), "ceo.carla", HttpStatusCode.Created);
        await app.SendAsync(HttpMethod.Put, "/objectives/card-dayton", new
        {
            name = "Dayton ships good parts on time", level = "site", site = ActionsApp.Site, parent = "card-deliver", perspective = "Customer", owner = "pat.plant",
            period = "2026-Q4", kpis = new[] { new { site = ActionsApp.Site, kpi = "on-time-delivery", weight = 2m }, new { site = ActionsApp.Site, kpi = "scrap-rate", weight = 1m } },
        }, ActionsApp.PlantManager, HttpStatusCode.Created);
        var serving = await app.CreateAsync(ActionsApp.NewAction("Pre-book weekend carrier capacity", kpis: ["on-time-delivery"]));
        var unaligned = await app.CreateAsync(ActionsApp.NewAction("Repaint the canteen", kpis: ["canteen-score"]));
        // Serving Dayton's objective directly, though linked to no KPI of it.
        var direct = await app.SendAsync(HttpMethod.Post, "/actions", new
        {
            title = "Train the second shift on first-article checks", owner = ActionsApp.MaintLead, due = Given.Monday.AddDays(10), site = ActionsApp.Site,
            kpis = new[] { "training-hours" }, objectives = new[] { "card-dayton" },
        }, ActionsApp.PlantManager, HttpStatusCode.Created);
        var refused = await app.As(ActionsApp.PlantManager).PostAsJsonAsync("/actions", new
        {
            title = "Serve nothing that exists", owner = ActionsApp.MaintLead, due = Given.Monday.AddDays(10), site = ActionsApp.Site, objectives = new[] { "no-such-goal" },
        }, JsonDefaults.Options);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("unknown-objective", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        var card = await app.GetAsync($"/scorecard?site={ActionsApp.Site}&period=2026-Q4");
        var objectives = card.GetProperty("perspectives").EnumerateArray().SelectMany(p => p.GetProperty("objectives").EnumerateArray())
            .ToDictionary(o => o.GetProperty("objectiveId").GetString()!);
        // Dayton: on-time delivery 95 % → 0.625 at weight 2, scrap 3.4 % → 0 at weight 1: (1.25 + 0) / 3.
        var dayton = objectives["card-dayton"];
        Assert.Equal((0.4167m, 0.4167m, "red"), (dayton.GetProperty("score").GetDecimal(), dayton.GetProperty("rolledScore").GetDecimal(), dayton.GetProperty("status").GetString()));
        Assert.Equal((2, 0), (dayton.GetProperty("actions").GetProperty("open").GetInt32(), dayton.GetProperty("flags").GetArrayLength()));
        // The company: its own on-time delivery (0.625) and Dayton's rolled score as one voice each.
        var deliver = objectives["card-deliver"];
        Assert.Equal((0.625m, 0.5208m, "amber"), (deliver.GetProperty("score").GetDecimal(), deliver.GetProperty("rolledScore").GetDecimal(), deliver.GetProperty("status").GetString()));
        Assert.Contains("card-dayton", deliver.GetProperty("children").EnumerateArray().Select(c => c.GetString()));

        var loose = card.GetProperty("unalignedActions").EnumerateArray().Select(a => a.GetProperty("actionId").GetGuid()).ToList();
        Assert.Contains(unaligned, loose);
        Assert.DoesNotContain(serving, loose);
        Assert.DoesNotContain(direct.GetProperty("actionId").GetGuid(), loose);

        // The weekly review opens with Dayton's red objective on its agenda.
        var review = await app.SendAsync(HttpMethod.Post, "/reviews", new { kind = "WeeklyOps", site = ActionsApp.Site, attendees = new[] { ActionsApp.PlantManager } },
            ActionsApp.PlantManager, HttpStatusCode.Created);
        var red = review.GetProperty("redObjectives").EnumerateArray().ToList();
        Assert.Contains(red, o => o.GetProperty("objectiveId").GetString() == "card-dayton" && o.GetProperty("score").GetDecimal() == 0.4167m);
        Assert.DoesNotContain(red, o => o.GetProperty("objectiveId").GetString() == "card-deliver");
    }

    [Fact]
    public async Task An_objective_under_an_unknown_parent_or_measured_by_an_undefined_KPI_is_refused_with_the_rule()
    {
        await DefineKpisAsync();
        var orphan = await app.As(ActionsApp.PlantManager).PutAsJsonAsync("/objectives/orphan", Body("Orphan", "site", ActionsApp.Site, "nobody", "scrap-rate"),
            JsonDefaults.Options);
        Assert.Equal("unknown-parent", (await orphan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
        var unmeasured = await app.As("ceo.carla").PutAsJsonAsync("/objectives/unmeasured", Body("Unmeasured", "corporate", null, null, "first-pass-yield"),
            JsonDefaults.Options);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unmeasured.StatusCode);
        Assert.Equal("unknown-kpi", (await unmeasured.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());
        var badPeriod = await app.As("ceo.carla").PutAsJsonAsync("/objectives/someday", Body("Someday", "corporate", null, null, "scrap-rate", period: "someday"),
            JsonDefaults.Options);
        Assert.Equal(HttpStatusCode.BadRequest, badPeriod.StatusCode);
    }
}

/// <summary>The scorecard's arithmetic on hand-made readings, with every figure worked out by hand.</summary>
public sealed class ScorecardFigureTests
{
    // On-time delivery: higher is better, target 98 %, red at 90 %. Scrap: lower is better, target 1 %, red at 3 %.
    private static readonly KpiDefinition Otd = new("On-time delivery", "%", Direction.HigherIsBetter, 98m, 95m, 90m, Perspective.Customer);
    private static readonly KpiDefinition Scrap = new("Scrap rate", "%", Direction.LowerIsBetter, 1.0m, 1.5m, 3.0m, Perspective.InternalProcess);

    [Theory]
    [InlineData(95, 0.625)] // five of the eight points from red (90) to target (98)
    [InlineData(98, 1)]
    [InlineData(99.5, 1)]
    [InlineData(90, 0)]
    [InlineData(86, 0)]
    public void On_time_delivery_attains_the_share_of_the_way_from_red_to_target(double reading, double attainment) =>
        Assert.Equal((decimal)attainment, ScorecardFigures.Attainment(Otd, (decimal)reading));

    [Theory]
    [InlineData(2.2, 0.4)] // 0.8 of the 2 points from red (3 %) down to target (1 %)
    [InlineData(0.8, 1)]
    [InlineData(3.4, 0)]
    public void Scrap_attains_the_same_way_downwards(double reading, double attainment) =>
        Assert.Equal((decimal)attainment, ScorecardFigures.Attainment(Scrap, (decimal)reading));

    private static KpiOnCard Card(string kpi, decimal weight, decimal? attainment, KpiStatus status = KpiStatus.Amber) =>
        new("OH-DAYTON", kpi, weight, null, null, status, TrendDirection.Unknown, attainment);

    private static ObjectiveEntry Entry(string id, string? parent, params ObjectiveKpi[] kpis) => new(id, 1,
        new ObjectiveDefinition(id, parent is null ? ObjectiveLevel.Corporate : ObjectiveLevel.Site, parent is null ? null : "OH-DAYTON", null, parent, Perspective.Customer,
            "pat.plant", "2026-Q4", kpis), ObjectivePeriod.Parse("2026-Q4")!);

    [Fact]
    public void An_objective_scores_its_KPIs_by_weight_and_rolls_its_children_up_as_one_voice_each()
    {
        // Own: on-time delivery 0.625 at weight 2, scrap 0.4 at weight 1 → (1.25 + 0.4) / 3 = 0.55; a KPI with no reading does not count.
        var own = new[] { Card("on-time-delivery", 2m, 0.625m), Card("scrap-rate", 1m, 0.4m), Card("first-pass-yield", 5m, null) };
        Assert.Equal(0.55m, ScorecardFigures.Score(own));

        var card = ScorecardFigures.Card(
            [Entry("deliver", null), Entry("dayton", "deliver"), Entry("smyrna", "deliver")],
            new Dictionary<string, IReadOnlyList<KpiOnCard>>
            {
                ["deliver"] = own,
                ["dayton"] = [Card("on-time-delivery", 1m, 1m, KpiStatus.Green)],
                ["smyrna"] = [Card("on-time-delivery", 1m, 0.4m, KpiStatus.Red)],
            },
            new Dictionary<string, ActionHealth> { ["dayton"] = ActionHealth.None with { Open = 2 } });

        var deliver = card.Single(o => o.ObjectiveId == "deliver");
        Assert.Equal((0.55m, 0.65m, ScoreStatus.Amber), (deliver.Score, deliver.RolledScore, deliver.Status)); // mean of 0.55, 1.0 and 0.4
        Assert.Equal(["dayton", "smyrna"], deliver.Children);
        // Smyrna's delivery is red and nobody acts on it; Dayton's is served by two open actions.
        Assert.Equal([ScorecardFigures.NoOneWorking], card.Single(o => o.ObjectiveId == "smyrna").Flags);
        Assert.Equal((ScoreStatus.Red, 0), (card.Single(o => o.ObjectiveId == "smyrna").Status, card.Single(o => o.ObjectiveId == "dayton").Flags.Count));
    }

    [Theory]
    [InlineData(0.8, ScoreStatus.Green)]
    [InlineData(0.79, ScoreStatus.Amber)]
    [InlineData(0.5, ScoreStatus.Amber)]
    [InlineData(0.49, ScoreStatus.Red)]
    public void Status_bands_are_green_from_four_fifths_and_amber_from_half(double score, ScoreStatus status) =>
        Assert.Equal(status, ScorecardFigures.StatusOf((decimal)score));
}
