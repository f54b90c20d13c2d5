using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>A policy's decisions as plain functions: given its events, publishing or retiring gives these events.</summary>
public class PolicyDecisionTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static Policy Given(params Policy.Event[] events) => events.Aggregate(Policy.Initial, (s, e) => s.Apply(e));

    private static Policy.Event.VersionPublished Published(int version, PolicyDefinition? definition = null) =>
        new("overtime", version, definition ?? Overtime.Policy(), "ops.lead", Monday);

    [Fact]
    public void Given_no_policy_when_one_is_published_then_it_is_version_1()
    {
        var published = Assert.IsType<Policy.Event.VersionPublished>(Assert.Single(Policy.Publish(Given(), "overtime", Overtime.Policy(), "ops.lead", Monday)));
        Assert.Equal((1, "ops.lead"), (published.Version, published.PublishedBy));
    }

    [Fact]
    public void Given_a_published_policy_when_the_same_definition_is_published_again_then_nothing_is_added()
    {
        Assert.Empty(Policy.Publish(Given(Published(1)), "overtime", Overtime.Policy(), "ops.lead", Monday.AddHours(1)));
    }

    [Fact]
    public void Given_a_retired_policy_when_it_is_published_again_then_it_is_the_next_version_and_in_force()
    {
        var state = Given(Published(1), new Policy.Event.Retired("overtime", 1, "ops.lead", Monday.AddHours(1)));

        var events = Policy.Publish(state, "overtime", Overtime.Policy(), "ops.lead", Monday.AddHours(2));

        Assert.Equal(2, Assert.IsType<Policy.Event.VersionPublished>(Assert.Single(events)).Version);
        Assert.False(state.Apply(events[0]).Retired);
    }

    [Fact]
    public void Given_no_policy_when_it_is_retired_then_the_decision_is_refused()
    {
        Assert.Throws<InvalidStateException>(() => Policy.Retire(Given(), "ops.lead", Monday));
    }

    [Fact]
    public void Given_a_retired_policy_when_it_is_retired_again_then_nothing_is_added()
    {
        Assert.Empty(Policy.Retire(Given(Published(1), new Policy.Event.Retired("overtime", 1, "ops.lead", Monday)), "ops.lead", Monday.AddHours(1)));
    }
}
