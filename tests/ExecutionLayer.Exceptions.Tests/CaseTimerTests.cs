using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// SLA escalation and delayed detection run on the store's deadlines and the service's clock, which
/// these tests move by hand. The tests share one clock, so each sets it forward from where the last left it.
/// </summary>
public sealed class CaseTimerTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private BusProbe _probe = null!;

    public async Task InitializeAsync() => _probe = await new BusProbe(app.Bus).Listen<ExceptionCaseEscalated>().Listen<ExceptionCaseOpened>().StartAsync();

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    private static object Down(string id, string workCenter, DateTimeOffset at, string reasonCode, string site = "TN-SMYRNA") =>
        PlantDay.Event(id, "mes-smy", "MachineStateChanged", $"work-center/{workCenter}", at, new { workCenter, state = "down", reasonCode }, site);

    private static object Running(string id, string workCenter, DateTimeOffset at, string site = "TN-SMYRNA") =>
        PlantDay.Event(id, "mes-smy", "MachineStateChanged", $"work-center/{workCenter}", at, new { workCenter, state = "running" }, site);

    [Fact]
    public async Task A_high_severity_case_nobody_resolves_in_four_hours_escalates_to_the_production_manager_then_the_plant_manager()
    {
        const string s = "-sla";
        app.Clock.Set(PlantDay.Monday.AddHours(9).AddMinutes(5));
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var caseId = Guid.Parse((await app.WaitForCaseAsync("MachineDown", s, "responding")).GetProperty("caseId").GetString()!);

        app.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(59));
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // more than one poll of the deadline poller
        Assert.DoesNotContain(_probe.Received<ExceptionCaseEscalated>(), e => e.CaseId == caseId);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var first = await _probe.WaitForAsync<ExceptionCaseEscalated>(e => e.CaseId == caseId, "the first escalation");
        Assert.Equal((1, "production-manager", "High"), (first.Level, first.NotifyRole, first.Severity));

        app.Clock.Advance(TimeSpan.FromHours(4));
        var second = await _probe.WaitForAsync<ExceptionCaseEscalated>(e => e.CaseId == caseId && e.Level == 2, "the second escalation");
        Assert.Equal("plant-manager", second.NotifyRole);
        Assert.Equal(2, await app.CountAsync($"SELECT escalation_level FROM exceptions.case_index WHERE case_id = '{caseId}'"));
    }

    [Fact]
    public async Task A_case_resolved_before_its_SLA_runs_out_never_escalates()
    {
        const string s = "-sla-ok";
        app.Clock.Set(PlantDay.Monday.AddDays(1));
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var caseId = Guid.Parse((await app.WaitForCaseAsync("MachineDown", s, "responding")).GetProperty("caseId").GetString()!);
        await app.PostEventsAsync(PlantDay.Event($"up{s}", "mes-cnc", "MachineStateChanged", $"work-center/CNC-4{s}", PlantDay.Monday.AddHours(10),
            new { workCenter = $"CNC-4{s}", state = "running" }));
        await app.WaitForCaseAsync("MachineDown", s, "resolved");
        Assert.Equal(1, await app.CountAsync($"SELECT count(*) FROM exceptions.deadlines WHERE stream_id = 'case-{caseId}' AND cancelled_at IS NOT NULL"));

        app.Clock.Advance(TimeSpan.FromDays(3));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.DoesNotContain(_probe.Received<ExceptionCaseEscalated>(), e => e.CaseId == caseId);
    }

    [Fact]
    public async Task At_Smyrna_a_changeover_counts_as_a_stop_only_once_it_has_lasted_45_minutes()
    {
        var start = PlantDay.Monday.AddDays(5);
        app.Clock.Set(start);
        await app.PostEventsAsync(Down("co-long", "PRESS-2", start, "CHANGEOVER"), Down("co-short", "PRESS-3", start, "CHANGEOVER"),
            Down("fault", "PRESS-4", start, "HYD-7"));
        await _probe.WaitForAsync<ExceptionCaseOpened>(o => o.TriggerSubject == "work-center/PRESS-4", "a fault opens a case at once");
        await app.PostEventsAsync(Running("co-short-up", "PRESS-3", start.AddMinutes(20)));

        app.Clock.Set(start.AddMinutes(44));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.DoesNotContain(_probe.Received<ExceptionCaseOpened>(), o => o.TriggerSubject is "work-center/PRESS-2" or "work-center/PRESS-3");

        app.Clock.Set(start.AddMinutes(46));
        await _probe.WaitForAsync<ExceptionCaseOpened>(o => o.TriggerSubject == "work-center/PRESS-2", "the long changeover opens a case");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.DoesNotContain(_probe.Received<ExceptionCaseOpened>(), o => o.TriggerSubject == "work-center/PRESS-3");
    }
}
