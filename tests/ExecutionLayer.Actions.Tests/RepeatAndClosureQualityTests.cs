using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Testing;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>Whether closures held: an issue that comes back is a repeat, and a KPI that did not move after a closure is flagged.</summary>
public sealed class RepeatAndClosureQualityTests : IAsyncLifetime
{
    private readonly ActionsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_new_action_on_the_same_kpi_and_root_cause_as_a_recent_closure_is_a_repeat_and_that_closure_ineffective()
    {
        var first = await _app.CreateAsync(NewAction());
        await _app.CloseAsync(first);
        var otherCause = await _app.CreateAsync(NewAction(title: "Retrain operators", tags: ["operator-training"]));

        _app.Clock.Advance(TimeSpan.FromDays(20));
        var again = await _app.CreateAsync(NewAction(title: "Spindle bearing failed again", due: _app.Clock.GetUtcNow().AddDays(3), tags: ["spindle-bearing", "lubrication"]));

        var state = await _app.ActionAsync(again);
        Assert.Equal(first, state.GetProperty("repeatOf").GetGuid());
        Assert.Equal(again, (await _app.ActionAsync(first)).GetProperty("ineffectiveBecauseOf").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _app.ActionAsync(otherCause)).GetProperty("repeatOf").ValueKind);
    }

    [Fact]
    public async Task A_closure_older_than_the_sites_repeat_window_is_not_repeated()
    {
        var first = await _app.CreateAsync(NewAction());
        await _app.CloseAsync(first);
        _app.Clock.Advance(TimeSpan.FromDays(91));
        var later = await _app.CreateAsync(NewAction(due: _app.Clock.GetUtcNow().AddDays(3)));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _app.ActionAsync(later)).GetProperty("repeatOf").ValueKind);
    }

    [Fact]
    public async Task A_verified_action_whose_kpi_did_not_move_within_its_window_is_flagged_and_one_whose_kpi_moved_is_not()
    {
        await _app.DefineScrapRateAsync();
        await _app.ReadAsync("scrap-rate", 3.4m, Given.Monday.AddHours(-2), "shift-1");
        var stuck = await _app.CreateAsync(NewAction(title: "Tighten coolant concentration checks"));
        var helped = await _app.CreateAsync(NewAction(title: "Replace worn collets", tags: ["collet-wear"]));
        await _app.CloseAsync(stuck);
        await _app.CloseAsync(helped);

        await _app.ReadAsync("scrap-rate", 3.5m, Given.Monday.AddDays(7), "week-48");
        _app.Clock.Advance(TimeSpan.FromDays(14).Add(TimeSpan.FromMinutes(1)));
        // Each closure's window ends by its own deadline timer, so wait for both assessments.
        await Eventually.TrueAsync(async () => await IsAssessedAsync(stuck) && await IsAssessedAsync(helped), "both closures assessed");
        Assert.False((await _app.ActionAsync(stuck)).GetProperty("movedKpis").GetBoolean());
        Assert.False((await _app.ActionAsync(helped)).GetProperty("movedKpis").GetBoolean());

        // The same story, but the scrap rate falls the following week.
        _app.Clock.Set(Given.Monday.AddDays(30));
        var second = await _app.CreateAsync(NewAction(title: "Re-shim the tailstock", due: Given.Monday.AddDays(33), tags: ["tailstock"]));
        await _app.CloseAsync(second);
        await _app.ReadAsync("scrap-rate", 1.4m, Given.Monday.AddDays(37), "week-53");
        _app.Clock.Set(Given.Monday.AddDays(45));
        await Eventually.TrueAsync(() => IsAssessedAsync(second), "the second closure assessed");
        Assert.True((await _app.ActionAsync(second)).GetProperty("movedKpis").GetBoolean());

        // What the action came from hears the judgement, with the readings it rests on.
        var assessed = await _app.Bus.WaitForAsync<ActionClosureAssessed>(a => a.ActionId == second, "the judgement is published");
        Assert.Equal((ActionSourceKind.Manual, 3.5m, 1.4m, true), (assessed.SourceKind, assessed.Movements.Single().Baseline!.Value,
            assessed.Movements.Single().Best!.Value, assessed.Movements.Single().Moved));
        Assert.Equal(Given.Monday.AddDays(44), assessed.WindowEnd);
    }

    private async Task<bool> IsAssessedAsync(Guid action) =>
        (await _app.ActionAsync(action)).GetProperty("movedKpis").ValueKind != System.Text.Json.JsonValueKind.Null;
}
