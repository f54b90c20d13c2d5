using System.Net;
using System.Text.Json;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>Friday's weekly review at Dayton: opened with the red KPIs and the open actions, decisions made into actions, minutes issued — and the next week's review picks up what is still open.</summary>
public sealed class ReviewTests : IAsyncLifetime
{
    private readonly ActionsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    private Task<JsonElement> OpenAsync(string kind = "WeeklyOps") => _app.SendAsync(HttpMethod.Post, "/reviews", new
    {
        kind, site = Site, title = "Dayton weekly ops", attendees = new[] { PlantManager, MaintLead, QualityLead },
    }, PlantManager, HttpStatusCode.Created);

    [Fact]
    public async Task A_weekly_review_opens_with_its_agenda_turns_decisions_into_actions_and_issues_minutes()
    {
        await _app.DefineScrapRateAsync();
        await _app.ReadAsync("scrap-rate", 3.4m, Given.Monday.AddHours(-1), "w47");
        var bearing = await _app.CreateAsync(NewAction());
        var customer = await _app.CreateAsync(NewAction(title: "Tell Acme Axles the new date", owner: "cs.rep", kpis: [], tags: []));

        _app.Clock.Set(Given.Monday.AddDays(4));
        var opened = await OpenAsync();
        var reviewId = opened.GetProperty("id").GetGuid();
        Assert.Equal("scrap-rate", Assert.Single(opened.GetProperty("kpis").EnumerateArray()).GetProperty("kpi").GetString());
        Assert.Equal(new[] { bearing, customer }.Order(), opened.GetProperty("carriedOver").EnumerateArray().Select(a => a.GetProperty("actionId").GetGuid()).Order());

        var decided = await _app.SendAsync(HttpMethod.Post, $"/reviews/{reviewId}/decisions", new
        {
            text = "Add a spindle vibration check to the CNC PM plan", owner = MaintLead, due = Given.Monday.AddDays(11), kpis = new[] { "scrap-rate" },
        }, PlantManager, HttpStatusCode.OK);
        var newAction = decided.GetProperty("action").GetProperty("id").GetGuid();
        var made = await _app.ActionAsync(newAction);
        Assert.Equal(("meeting", reviewId.ToString()), (made.GetProperty("sourceKind").GetString(), made.GetProperty("sourceReference").GetString()));

        await _app.CloseAsync(bearing);
        var minutes = await _app.SendAsync(HttpMethod.Post, $"/reviews/{reviewId}/close", new { }, PlantManager, HttpStatusCode.OK);
        Assert.Equal([PlantManager, MaintLead, QualityLead], minutes.GetProperty("attendees").EnumerateArray().Select(a => a.GetString()));
        var carried = minutes.GetProperty("carriedOver").EnumerateArray().ToDictionary(a => a.GetProperty("actionId").GetGuid(), a => a.GetProperty("status").GetString());
        Assert.Equal("verified", carried[bearing]);
        Assert.Equal("open", carried[customer]);
        Assert.Equal(newAction, Assert.Single(minutes.GetProperty("newActions").EnumerateArray()).GetProperty("actionId").GetGuid());

        var markdown = await _app.As(PlantManager).GetStringAsync($"/reviews/{reviewId}/minutes?format=markdown");
        Assert.Contains("## Carried-over actions", markdown);
        Assert.Contains($"| Replace CNC-4 spindle bearing ({bearing}) | {MaintLead} | 2026-11-27 | Verified |", markdown);
        Assert.Contains("Add a spindle vibration check to the CNC PM plan", markdown);
        var stored = await _app.GetAsync($"/reviews/{reviewId}/minutes");
        Assert.Equal(minutes.GetProperty("markdown").GetString(), stored.GetProperty("markdown").GetString());

        await _app.SendAsync(HttpMethod.Post, $"/reviews/{reviewId}/decisions", new { text = "Late idea", owner = MaintLead, due = Given.Monday.AddDays(12) },
            PlantManager, HttpStatusCode.Conflict);

        // Next Friday: what is still open from this review comes back; an action never brought to it does not.
        var outsider = await _app.CreateAsync(NewAction(title: "Paint the aisle markings", owner: "facilities", due: Given.Monday.AddDays(20), kpis: [], tags: []));
        _app.Clock.Set(Given.Monday.AddDays(11));
        var next = await OpenAsync();
        Assert.Equal(reviewId, next.GetProperty("previousReviewId").GetGuid());
        Assert.Equal(new[] { customer, newAction }.Order(), next.GetProperty("carriedOver").EnumerateArray().Select(a => a.GetProperty("actionId").GetGuid()).Order());
        Assert.DoesNotContain(next.GetProperty("carriedOver").EnumerateArray(), a => a.GetProperty("actionId").GetGuid() == outsider);

        // A monthly quality review is its own series: its first opens with every open action at the site.
        var quality = await OpenAsync("MonthlyQuality");
        Assert.Equal(JsonValueKind.Null, quality.GetProperty("previousReviewId").ValueKind);
        Assert.Equal(3, quality.GetProperty("carriedOver").GetArrayLength());
    }

    [Fact]
    public async Task A_review_of_an_unknown_kind_or_with_nobody_attending_is_refused()
    {
        var badKind = await _app.As(PlantManager).PostAsync("/reviews", new StringContent(
            """{"kind":"Daily","site":"OH-DAYTON","attendees":["x"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        await _app.SendAsync(HttpMethod.Post, "/reviews", new { kind = "WeeklyOps", site = Site, attendees = Array.Empty<string>() }, PlantManager, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.As(PlantManager).GetAsync($"/reviews/{Guid.NewGuid()}/minutes")).StatusCode);
    }
}
