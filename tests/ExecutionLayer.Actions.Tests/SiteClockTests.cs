using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Reviews;
using static ExecutionLayer.Actions.Tests.Given;

namespace ExecutionLayer.Actions.Tests;

/// <summary>
/// Local time is the site's: "due this week" is the ISO week on the plant's clock, and a review's minutes are
/// dated as the plant lived them. At 03:00 UTC on Monday 30 November it is still Sunday in Smyrna (Chicago)
/// and in Dayton (New York): both are in the week of the 23rd, which UTC has already left.
/// </summary>
public sealed class SiteClockTests : IAsyncLifetime
{
    private static readonly DateTimeOffset SundayNightInTennessee = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private readonly ActionsApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _app.Clock.Set(SundayNightInTennessee.AddDays(-5));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private static object Due(string title, string site, DateTimeOffset due) => new { title, owner = "maint.lead", due, site, department = "maintenance" };

    [Fact]
    public async Task Due_this_week_is_the_week_on_each_sites_own_clock()
    {
        // Sunday 16:00 in Smyrna: this week there; last week by UTC.
        await _app.CreateAsync(Due("Smyrna Sunday", "TN-SMYRNA", new DateTimeOffset(2026, 11, 29, 22, 0, 0, TimeSpan.Zero)));
        // Monday 01:00 in Dayton: next week there; this week by UTC.
        await _app.CreateAsync(Due("Dayton Monday", "OH-DAYTON", new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero)));
        _app.Clock.Set(SundayNightInTennessee);

        var rows = (await _app.GetAsync("/metrics/execution?groupBy=site&from=2026-11-23T00:00:00Z&to=2026-12-07T00:00:00Z")).GetProperty("rows")
            .EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!, r => r.GetProperty("dueThisWeek").GetInt32());
        Assert.Equal(1, rows["TN-SMYRNA"]);
        Assert.Equal(0, rows["OH-DAYTON"]);
    }

    [Fact]
    public void A_reviews_minutes_are_dated_on_the_sites_clock_with_the_utc_beside_them()
    {
        var opened = ReviewDecisions.Open(Review.Initial, new OpenReview(Guid.NewGuid(), ReviewKind.WeeklyOps, "TN-SMYRNA", "Smyrna weekly ops", ["plant.manager"], "plant.manager"),
            null, [], [new AgendaAction(Guid.NewGuid(), "Recalibrate the press", "maint.lead", SundayNightInTennessee, ActionStatus.Open)], SundayNightInTennessee.AddHours(-1));
        var state = opened.Aggregate(Review.Initial, (s, e) => s.Apply(e));
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

        var minutes = Assert.IsType<Review.Event.Closed>(Assert.Single(ReviewDecisions.Close(state, new Dictionary<Guid, AgendaAction>(), "plant.manager", SundayNightInTennessee, chicago))).Minutes;

        Assert.Equal("America/Chicago", minutes.TimeZone);
        Assert.Contains("2026-11-29 20:00 to 2026-11-29 21:00 America/Chicago (2026-11-30 02:00 to 2026-11-30 03:00 UTC)", minutes.Markdown, StringComparison.Ordinal);
        Assert.Contains("| 2026-11-29 | Open |", minutes.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Minutes_of_a_site_the_registry_does_not_know_stay_in_utc()
    {
        var opened = ReviewDecisions.Open(Review.Initial, new OpenReview(Guid.NewGuid(), ReviewKind.WeeklyOps, "OH-DAYTON", "Dayton weekly ops", ["plant.manager"], "plant.manager"),
            null, [], [], Monday);
        var state = opened.Aggregate(Review.Initial, (s, e) => s.Apply(e));
        var minutes = Assert.IsType<Review.Event.Closed>(Assert.Single(ReviewDecisions.Close(state, new Dictionary<Guid, AgendaAction>(), "plant.manager", Monday.AddHours(1)))).Minutes;
        Assert.Equal("UTC", minutes.TimeZone);
        Assert.Contains("2026-11-23 09:00 to 2026-11-23 10:00 UTC.", minutes.Markdown, StringComparison.Ordinal);
    }
}
