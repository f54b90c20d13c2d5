using ExecutionLayer.Actions.Items;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Testing;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>Actions the other services ask for over the bus: made once however often the message comes, and announced back to their source.</summary>
public sealed class BusCreationTests : IAsyncLifetime
{
    private static readonly Guid CaseId = Guid.Parse("7a0c2c55-0000-4000-8000-000000000007");
    private readonly ActionsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    private static ActionRequested Requested(Guid requestId, string function = "maintenance", string role = "maintenance-lead") => new(
        requestId, CaseId, Site, function, role, $"Respond to exception case {CaseId} ({function})", "High", ["PR-77"], ["SH-900"], 52_000m, Given.Monday);

    [Fact]
    public async Task A_routed_function_gets_one_action_owned_by_its_role_holder_even_when_the_request_comes_twice()
    {
        var requestId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Requested(requestId), messageId);
        await _app.Bus.PublishAsync(Requested(requestId), messageId);
        await _app.Bus.PublishAsync(Requested(requestId));

        var created = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == requestId.ToString(), "the action for the case");
        Assert.Equal(ActionSourceKind.Exception, created.SourceKind);
        Assert.Equal(MaintLead, created.Owner);
        Assert.Equal(Given.Monday.AddDays(2), created.Due);
        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM actions.inbox") >= 2, "both message ids handled");
        Assert.Equal(1, await _app.CountAsync($"SELECT count(*) FROM actions.action_index WHERE source_reference = '{requestId}'"));
        Assert.Equal(created.ActionId, CreateAction.IdFor(SourceKind.Exception, requestId.ToString()));

        var state = await _app.ActionAsync(created.ActionId);
        Assert.Equal("p2", state.GetProperty("priority").GetString());
        Assert.Contains("SH-900", state.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_function_whose_role_nobody_holds_is_owned_by_the_role_until_someone_is_named()
    {
        var requestId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Requested(requestId, "customer-service", "customer-service-lead"));
        var created = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == requestId.ToString(), "the action");
        Assert.Equal("customer-service-lead", created.Owner);
        await _app.DoAsync(created.ActionId, "assign", PlantManager, new { owner = "cs.rep" });
        Assert.Equal("cs.rep", (await _app.ActionAsync(created.ActionId)).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task A_verified_or_cancelled_case_action_is_announced_with_the_cases_request_id()
    {
        var requestId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Requested(requestId));
        var created = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == requestId.ToString(), "the action");
        await _app.DoAsync(created.ActionId, "claim", MaintLead, new { text = "Spindle bearing replaced, test cut OK" });
        await _app.DoAsync(created.ActionId, "verify", QualityLead);
        var verified = await _app.Bus.WaitForAsync<ActionItemVerified>(v => v.ActionId == created.ActionId, "the verification");
        Assert.Equal((ActionSourceKind.Exception, requestId.ToString()), (verified.SourceKind, verified.SourceReference));

        var other = Guid.NewGuid();
        await _app.Bus.PublishAsync(Requested(other));
        var second = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == other.ToString(), "the second action");
        await _app.DoAsync(second.ActionId, "cancel", PlantManager, new { reason = "Machine back without intervention" });
        var cancelled = await _app.Bus.WaitForAsync<ActionItemCancelled>(c => c.ActionId == second.ActionId, "the cancellation");
        Assert.Equal(other.ToString(), cancelled.SourceReference);
    }

    [Fact]
    public async Task A_granted_approvals_follow_ups_become_actions_once_each()
    {
        var approvalId = Guid.NewGuid();
        var granted = new ApprovalGranted(approvalId, Guid.NewGuid(), "case-7a0c2c55", Site, "overtime", "OH-DAYTON/2026-11-28", "overtime", 1, "ops.director",
            Given.Monday.AddHours(4), [new ApprovalFollowUp("Staff the Saturday shift", "shift.lead", 2), new ApprovalFollowUp("Book the CNC-4 run", Planner, 4)]);
        var messageId = Guid.NewGuid();
        await _app.Bus.PublishAsync(granted, messageId);
        await _app.Bus.PublishAsync(granted, messageId);

        await Eventually.TrueAsync(() => _app.Bus.Received<ActionItemCreated>().Count(c => c.SourceReference == approvalId.ToString()) == 2, "both follow-ups");
        var actions = _app.Bus.Received<ActionItemCreated>().Where(c => c.SourceReference == approvalId.ToString()).OrderBy(c => c.Due).ToArray();
        Assert.Equal(["shift.lead", Planner], actions.Select(a => a.Owner));
        Assert.All(actions, a => Assert.Equal(ActionSourceKind.Approval, a.SourceKind));
        Assert.All(actions, a => Assert.Equal("case-7a0c2c55", a.CorrelationId));
        Assert.Equal(2, await _app.CountAsync($"SELECT count(*) FROM actions.action_index WHERE source_reference = '{approvalId}'"));
    }

    [Fact]
    public async Task An_accepted_recommendations_actions_are_made_once_each_for_their_functions_and_judged_on_its_kpi()
    {
        var recommendationId = Guid.NewGuid();
        var (overtime, words) = (Guid.NewGuid(), Guid.NewGuid());
        var accepted = new RecommendationAccepted(recommendationId, Site, "planning-assistant", "copilot-plan", "pat.plant", Guid.NewGuid(), "scrap-rate", 21,
        [
            new RecommendedWork(overtime, "add-overtime", "Add 8 h overtime on CNC-5 on 2026-11-24", "Recommended by planning-assistant …", "production-planning",
                "production-planner", 1),
            new RecommendedWork(words, "free-text", "Call Acme about a split shipment", "Recommended by planning-assistant …", "customer-service",
                "customer-service-lead", 3),
        ], Given.Monday);
        var messageId = Guid.NewGuid();
        await _app.Bus.PublishAsync(accepted, messageId);
        await _app.Bus.PublishAsync(accepted, messageId);
        await _app.Bus.PublishAsync(accepted);

        var first = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == overtime.ToString(), "the overtime action");
        var second = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.SourceReference == words.ToString(), "the call");
        Assert.Equal((ActionSourceKind.Recommendation, Planner, Given.Monday.AddDays(1)), (first.SourceKind, first.Owner, first.Due));
        Assert.Equal(("customer-service-lead", Given.Monday.AddDays(3)), (second.Owner, second.Due));
        Assert.Equal($"recommendation-{recommendationId}", first.CorrelationId);
        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM actions.inbox WHERE consumer = 'actions:recommendation-accepted'") >= 2,
            "every delivery handled");
        Assert.Equal(2, await _app.CountAsync($"SELECT count(*) FROM actions.action_index WHERE source_reference IN ('{overtime}', '{words}')"));

        var action = await _app.ActionAsync(first.ActionId);
        Assert.Equal(["scrap-rate"], action.GetProperty("kpis").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal((21, "production-planning"), (action.GetProperty("verificationWindowDays").GetInt32(), action.GetProperty("department").GetString()));
    }

    [Fact]
    public async Task A_kpi_reading_from_the_intake_is_recorded_once_and_moves_the_kpis_status()
    {
        await _app.DefineScrapRateAsync();
        var reading = new KpiMeasurementReceived("mes-dayton", "evt-881", Site, "Scrap-Rate", 3.4m, "%", Given.Monday.AddHours(-1));
        await _app.Bus.PublishAsync(reading);
        await _app.Bus.PublishAsync(reading);

        await Eventually.TrueAsync(async () => (await _app.GetAsync($"/kpis/{Site}/scrap-rate")).GetProperty("status").GetString() == "red", "scrap rate red");
        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM actions.inbox") >= 2, "both deliveries handled");
        Assert.Equal(1, await _app.CountAsync("SELECT count(*) FROM actions.kpi_readings"));
        Assert.Equal(1, await _app.CountAsync("SELECT count(*) FROM actions.mt_events WHERE type = 'actions.kpi-reading-recorded'"));
    }

    [Fact]
    public async Task A_burst_of_kpi_readings_is_recorded_each_once_as_its_own_message_and_the_newest_sets_the_status()
    {
        await _app.DefineScrapRateAsync();
        // A shift's readings, one a minute, arriving newest first: the newest (3.5 %, red) must win over the later-arriving green ones.
        var readings = Enumerable.Range(0, 40)
            .Select(i => (MessageId: Guid.NewGuid(), Reading: new KpiMeasurementReceived("mes-dayton", $"burst-{i}", Site, "Scrap-Rate", i == 39 ? 3.5m : 0.5m, "%",
                Given.Monday.AddHours(-2).AddMinutes(i))))
            .Reverse().ToList();
        foreach (var (messageId, reading) in readings) await _app.Bus.PublishAsync(reading, messageId);
        await _app.Bus.PublishAsync(readings[5].Reading, readings[5].MessageId); // delivered twice
        await _app.Bus.PublishAsync(readings[7].Reading); // re-sent at the source, as a new message

        await Eventually.TrueAsync(async () => await _app.CountAsync(
            $"SELECT count(*) FROM actions.inbox WHERE consumer = '{ExecutionLayer.Actions.Kpis.KpiMeasurementConsumer.Inbox}'") == 41, "every message handled");
        Assert.Equal(40, await _app.CountAsync("SELECT count(*) FROM actions.kpi_readings WHERE source_event_id LIKE 'burst-%'"));
        var causes = await _app.StringsAsync("SELECT causation_id FROM actions.mt_events WHERE type = 'actions.kpi-reading-recorded'");
        Assert.Equal(readings.Select(r => r.MessageId.ToString()).Order(), causes.Order());
        var kpi = await _app.GetAsync($"/kpis/{Site}/scrap-rate");
        Assert.Equal(("red", 3.5m), (kpi.GetProperty("status").GetString(), kpi.GetProperty("latest").GetDecimal()));
    }

    [Fact]
    public async Task A_reading_the_database_refuses_fails_alone_and_the_readings_around_it_are_recorded()
    {
        await _app.DefineScrapRateAsync();
        // PostgreSQL text cannot hold a NUL: this reading can never be stored, whatever batch it comes in.
        var readings = new[] { "before", "poison\0", "after" }.Select((id, i) =>
            new KpiMeasurementReceived("mes-dayton", id, Site, "scrap-rate", 0.5m + i, "%", Given.Monday.AddHours(-1).AddMinutes(i))).ToList();
        foreach (var reading in readings) await _app.Bus.PublishAsync(reading);

        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM actions.kpi_readings") == 2, "the two good readings recorded");
        Assert.Equal(["after", "before"], (await _app.StringsAsync("SELECT source_event_id FROM actions.kpi_readings")).Order());
    }
}
