using ExecutionLayer.Exceptions.Sites;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>A site's description decided alone: registered once, changed only by what differs, never overwritten by a seed.</summary>
public sealed class SiteDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DescribeSite Albany = new("GA-ALBANY", "Albany, Georgia", "America/New_York", "USD");

    private static Site Given(params Site.Event[] events) => events.Aggregate(Site.Initial, (s, e) => s.Apply(e));

    [Fact]
    public void A_new_code_registers_the_site()
    {
        var registered = Assert.IsType<Site.Event.Registered>(Assert.Single(SiteDecisions.Describe(Given(), Albany, "ops.admin", Now)));
        Assert.Equal(("GA-ALBANY", "Albany, Georgia", "America/New_York", "USD", "ops.admin"),
            (registered.Code, registered.Name, registered.TimeZone, registered.Currency, registered.RegisteredBy));
    }

    [Fact]
    public void The_same_description_again_is_no_change()
    {
        var state = Given(SiteDecisions.Describe(Given(), Albany, "ops.admin", Now).ToArray());
        Assert.Empty(SiteDecisions.Describe(state, Albany, "ops.admin", Now.AddDays(1)));
    }

    [Fact]
    public void A_known_site_described_otherwise_is_changed_to_what_was_said()
    {
        var state = Given(SiteDecisions.Describe(Given(), Albany, "ops.admin", Now).ToArray());
        var changed = Assert.IsType<Site.Event.Changed>(Assert.Single(SiteDecisions.Describe(state, Albany with { TimeZone = "America/Chicago" }, "ops.admin", Now)));
        Assert.Equal("America/Chicago", Given([.. SiteDecisions.Describe(Given(), Albany, "ops.admin", Now), changed]).TimeZone);
    }

    [Fact]
    public void A_seed_never_overwrites_a_site_that_was_registered()
    {
        var state = Given(SiteDecisions.Describe(Given(), Albany with { Name = "Albany plant 2" }, "ops.admin", Now).ToArray());
        Assert.Empty(SiteDecisions.Seed(state, Albany, Now));
        Assert.IsType<Site.Event.Registered>(Assert.Single(SiteDecisions.Seed(Given(), Albany, Now)));
    }

    [Theory]
    [InlineData("ga-albany", "Albany", "America/New_York", null, "code")]
    [InlineData("GA-ALBANY", "", "America/New_York", null, "name")]
    [InlineData("GA-ALBANY", "Albany", "EST", null, "timeZone")]
    [InlineData("GA-ALBANY", "Albany", "Mars/Olympus_Mons", null, "timeZone")]
    [InlineData("GA-ALBANY", "Albany", "America/New_York", "DOLLARS", "currency")]
    public void A_description_that_does_not_hold_names_the_field(string code, string name, string timeZone, string? currency, string field)
    {
        Assert.Null(DescribeSite.Check(code, name, timeZone, currency, out var errors));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void A_site_left_without_a_currency_is_in_dollars()
    {
        Assert.Equal("USD", DescribeSite.Check("GA-ALBANY", " Albany, Georgia ", "America/New_York", null, out _)!.Currency);
        Assert.Equal("Albany, Georgia", DescribeSite.Check("GA-ALBANY", " Albany, Georgia ", "America/New_York", "eur", out _)!.Name);
        Assert.Equal("EUR", DescribeSite.Check("DE-LEIPZIG", "Leipzig", "Europe/Berlin", "eur", out _)!.Currency);
    }
}
