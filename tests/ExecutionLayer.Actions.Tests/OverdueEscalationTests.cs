using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Testing;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>Dayton's overdue ladder: the owner at the due date, their manager a day later, the plant manager three days later.</summary>
public sealed class OverdueEscalationTests : IAsyncLifetime
{
    private readonly ActionsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task An_overdue_action_climbs_the_sites_ladder_and_each_rung_is_announced()
    {
        var id = await _app.CreateAsync(ActionsApp.NewAction(due: Given.Monday.AddDays(2)));

        _app.Clock.Set(Given.Monday.AddDays(2).AddMinutes(1));
        var owner = await _app.Bus.WaitForAsync<ActionItemOverdue>(o => o.ActionId == id && o.Level == 0, "the owner's notice");
        Assert.Equal("owner", owner.Rung);
        Assert.Equal([MaintLead], owner.Notify);

        _app.Clock.Set(Given.Monday.AddDays(3).AddMinutes(1));
        var manager = await _app.Bus.WaitForAsync<ActionItemOverdue>(o => o.ActionId == id && o.Level == 1, "the manager's notice");
        Assert.Equal([MaintManager], manager.Notify);

        _app.Clock.Set(Given.Monday.AddDays(5).AddMinutes(1));
        var leader = await _app.Bus.WaitForAsync<ActionItemOverdue>(o => o.ActionId == id && o.Level == 2, "the site leader's notice");
        Assert.Equal([PlantManager], leader.Notify);
        Assert.Equal(3, await _app.CountAsync($"SELECT count(*) FROM actions.mt_events WHERE stream_id = 'action-{id}' AND type = 'actions.overdue-escalated'"));
    }

    [Fact]
    public async Task Moving_the_due_date_restarts_the_ladder_and_closing_the_action_stops_it()
    {
        var moved = await _app.CreateAsync(ActionsApp.NewAction(title: "Moved", due: Given.Monday.AddDays(1)));
        var closed = await _app.CreateAsync(ActionsApp.NewAction(title: "Closed", due: Given.Monday.AddDays(1)));
        await _app.DoAsync(moved, "due-date", MaintLead, new { due = Given.Monday.AddDays(6), reason = "Bearing on back-order" });
        await _app.CloseAsync(closed);

        _app.Clock.Set(Given.Monday.AddDays(2));
        var control = await _app.CreateAsync(ActionsApp.NewAction(title: "Control", due: Given.Monday.AddDays(2).AddMinutes(1)));
        _app.Clock.Set(Given.Monday.AddDays(2).AddMinutes(2));
        await _app.Bus.WaitForAsync<ActionItemOverdue>(o => o.ActionId == control, "the control action's notice");
        Assert.DoesNotContain(_app.Bus.Received<ActionItemOverdue>(), o => o.ActionId == moved || o.ActionId == closed);

        _app.Clock.Set(Given.Monday.AddDays(6).AddMinutes(1));
        var late = await _app.Bus.WaitForAsync<ActionItemOverdue>(o => o.ActionId == moved, "the moved action's notice at its new date");
        Assert.Equal(Given.Monday.AddDays(6), late.Due);
    }
}
