using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.Reviews;
using static ExecutionLayer.Actions.Tests.Given;

namespace ExecutionLayer.Actions.Tests;

/// <summary>What the minutes of a review say, from its agenda, its decisions and its actions' status at the close.</summary>
public sealed class MinutesTests
{
    private static readonly Guid ReviewId = Guid.Parse("0b0e0000-0000-4000-8000-00000000b001");
    private static readonly AgendaAction Bearing = new(Guid.Parse("0b0e0000-0000-4000-8000-00000000a101"), "Replace CNC-4 spindle bearing", "maint.lead", Monday.AddDays(2), ActionStatus.InProgress);
    private static readonly AgendaAction Customer = new(Guid.Parse("0b0e0000-0000-4000-8000-00000000a102"), "Tell Acme Axles | new date", "cs.rep", Monday.AddDays(1), ActionStatus.Open);
    private static readonly Guid NewAction = Guid.Parse("0b0e0000-0000-4000-8000-00000000a103");

    private static Review Meeting()
    {
        var c = new OpenReview(ReviewId, ReviewKind.WeeklyOps, "OH-DAYTON", "Dayton weekly ops", ["plant.manager", "maint.lead", "quality.lead"], "plant.manager");
        var opened = ReviewDecisions.Open(Review.Initial, c, null,
            [new AgendaKpi("scrap-rate", "Scrap rate", 3.4m, "%", 1.0m, KpiStatus.Red, TrendDirection.Worsening)], [Bearing, Customer], Monday.AddDays(4));
        var state = opened.Aggregate(Review.Initial, (s, e) => s.Apply(e));
        var decision = new ReviewDecision(Guid.NewGuid(), "Add a spindle vibration check to the CNC PM plan", NewAction, "maint.lead", Monday.AddDays(11), "plant.manager", Monday.AddDays(4));
        return ReviewDecisions.RecordDecision(state, decision).Aggregate(state, (s, e) => s.Apply(e));
    }

    [Fact]
    public void The_minutes_list_attendees_kpis_decisions_new_actions_and_carried_over_actions_with_their_status_at_the_close()
    {
        var now = new Dictionary<Guid, AgendaAction>
        {
            [Bearing.ActionId] = Bearing with { Status = ActionStatus.Verified },
            [Customer.ActionId] = Customer,
            [NewAction] = new(NewAction, "Add a spindle vibration check to the CNC PM plan", "maint.lead", Monday.AddDays(11), ActionStatus.Open),
        };
        var closed = Assert.IsType<Review.Event.Closed>(Assert.Single(ReviewDecisions.Close(Meeting(), now, "plant.manager", Monday.AddDays(4).AddHours(1))));
        var m = closed.Minutes;

        Assert.Equal(["plant.manager", "maint.lead", "quality.lead"], m.Attendees);
        Assert.Equal("scrap-rate", Assert.Single(m.KpisReviewed).Kpi);
        Assert.Equal(NewAction, Assert.Single(m.Decisions).ActionId);
        Assert.Equal(ActionStatus.Open, Assert.Single(m.NewActions).Status);
        Assert.Equal([ActionStatus.Verified, ActionStatus.Open], m.CarriedOver.Select(a => a.Status));

        Assert.Contains("## Attendees", m.Markdown);
        Assert.Contains("| Scrap rate (scrap-rate) | 3.4 % | 1.0 % | Red | Worsening |", m.Markdown);
        Assert.Contains("- Add a spindle vibration check to the CNC PM plan — action 0b0e0000-0000-4000-8000-00000000a103 for maint.lead, due 2026-12-04", m.Markdown);
        Assert.Contains("| Replace CNC-4 spindle bearing (0b0e0000-0000-4000-8000-00000000a101) | maint.lead | 2026-11-25 | Verified |", m.Markdown);
        Assert.Contains(@"Tell Acme Axles \| new date", m.Markdown);
    }

    [Fact]
    public void A_closed_review_takes_no_more_decisions_and_does_not_close_twice()
    {
        var closedEvents = ReviewDecisions.Close(Meeting(), new Dictionary<Guid, AgendaAction>(), "plant.manager", Monday.AddDays(5));
        var closed = closedEvents.Aggregate(Meeting(), (s, e) => s.Apply(e));
        Assert.Throws<Store.Decisions.InvalidStateException>(() =>
            ReviewDecisions.RecordDecision(closed, new ReviewDecision(Guid.NewGuid(), "late", Guid.NewGuid(), "x", Monday.AddDays(9), "y", Monday.AddDays(5))));
        Assert.Throws<Store.Decisions.InvalidStateException>(() => ReviewDecisions.Close(closed, new Dictionary<Guid, AgendaAction>(), "plant.manager", Monday.AddDays(5)));
    }
}
