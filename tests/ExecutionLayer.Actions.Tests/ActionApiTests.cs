using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using static ExecutionLayer.Actions.Tests.ActionsApp;

namespace ExecutionLayer.Actions.Tests;

/// <summary>An action's life through the API, on real PostgreSQL and RabbitMQ: every rule answered with a problem response, every step on record.</summary>
public sealed class ActionApiTests : IAsyncLifetime
{
    private readonly ActionsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Readiness_reports_how_far_the_outbox_is_behind_the_actions_store()
    {
        await _app.CreateAsync(NewAction());

        await Eventually.TrueAsync(async () =>
        {
            var ready = await _app.As(null).GetFromJsonAsync<JsonElement>("/health/ready");
            var daemon = ready.GetProperty("checks").GetProperty("event-daemon");
            return daemon.GetProperty("status").GetString() == "Healthy"
                && daemon.GetProperty("description").GetString()!.Contains("outbox-actions", StringComparison.Ordinal)
                && daemon.GetProperty("description").GetString()!.Contains(" 0 behind", StringComparison.Ordinal);
        }, "readiness to show the outbox caught up", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task An_action_goes_from_creation_to_verified_closure_and_the_bus_hears_each_start_and_both_ends()
    {
        var id = await _app.CreateAsync(NewAction());
        await _app.DoAsync(id, "start", MaintLead);
        await _app.DoAsync(id, "progress", MaintLead, new { note = "Bearing ordered", percentComplete = 40 });
        await _app.DoAsync(id, "block", MaintLead, new { reason = "Bearing on back-order" });
        await _app.DoAsync(id, "start", MaintLead);
        await _app.DoAsync(id, "due-date", MaintLead, new { due = Given.Monday.AddDays(6), reason = "Bearing arrives Thursday" });
        await _app.CloseAsync(id);

        var state = await _app.ActionAsync(id);
        Assert.Equal("verified", state.GetProperty("status").GetString());
        Assert.Equal(Given.Monday.AddDays(4), state.GetProperty("originalDue").GetDateTimeOffset());
        Assert.Equal(Given.Monday.AddDays(6), state.GetProperty("due").GetDateTimeOffset());
        Assert.Equal(QualityLead, state.GetProperty("verifiedBy").GetString());

        var created = await _app.Bus.WaitForAsync<ActionItemCreated>(c => c.ActionId == id, "the creation");
        Assert.Equal(ActionSourceKind.Manual, created.SourceKind);
        Assert.Equal($"action-{id}", created.CorrelationId);
        var verified = await _app.Bus.WaitForAsync<ActionItemVerified>(v => v.ActionId == id, "the verification");
        Assert.Equal(QualityLead, verified.VerifiedBy);
        // Started, and again after the block: each with the source, so a case can tell which of its requests began.
        await Eventually.TrueAsync(() => _app.Bus.Received<ActionItemStarted>().Count(s => s.ActionId == id) == 2, "both starts published");
        Assert.All(_app.Bus.Received<ActionItemStarted>().Where(s => s.ActionId == id),
            s => Assert.Equal((ActionSourceKind.Manual, created.SourceReference, MaintLead), (s.SourceKind, s.SourceReference, s.StartedBy)));
    }

    [Fact]
    public async Task The_owner_verifying_their_own_closure_is_refused_with_422()
    {
        var id = await _app.CreateAsync(NewAction());
        await _app.DoAsync(id, "claim", MaintLead, new { documentReference = "WO-5521" });
        await AssertProblemAsync(await _app.TryAsync(id, "verify", MaintLead), HttpStatusCode.UnprocessableEntity, "verifier-not-owner");
        await AssertProblemAsync(await _app.TryAsync(id, "verify", Planner), HttpStatusCode.UnprocessableEntity, "verifier-role");
        Assert.Equal("completionClaimed", (await _app.ActionAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_claim_without_the_required_evidence_is_refused_with_422_records_nothing_and_the_owner_claims_again()
    {
        var id = await _app.CreateAsync(NewAction(evidence: "Measurement"));
        var before = await _app.CountAsync($"SELECT count(*) FROM actions.mt_events WHERE stream_id = 'action-{id}'");
        await AssertProblemAsync(await _app.TryAsync(id, "claim", MaintLead, new { text = "Looks fine now" }), HttpStatusCode.UnprocessableEntity, "evidence-required");
        Assert.Equal(before, await _app.CountAsync($"SELECT count(*) FROM actions.mt_events WHERE stream_id = 'action-{id}'"));

        await _app.DoAsync(id, "claim", MaintLead, new { text = "Scrap measured over one shift", measuredValue = 0.9m });
        await _app.DoAsync(id, "verify", QualityLead);
        Assert.Equal("verified", (await _app.ActionAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_command_from_the_wrong_state_is_409_and_changes_nothing()
    {
        var id = await _app.CreateAsync(NewAction());
        await _app.CloseAsync(id);
        var before = await _app.CountAsync($"SELECT count(*) FROM actions.mt_events WHERE stream_id = 'action-{id}'");
        await AssertProblemAsync(await _app.TryAsync(id, "start", MaintLead), HttpStatusCode.Conflict);
        await AssertProblemAsync(await _app.TryAsync(id, "cancel", MaintLead, new { reason = "no" }), HttpStatusCode.Conflict);
        Assert.Equal(before, await _app.CountAsync($"SELECT count(*) FROM actions.mt_events WHERE stream_id = 'action-{id}'"));

        await _app.DoAsync(id, "reopen", QualityLead, new { reason = "Scrap is back" });
        Assert.Equal("inProgress", (await _app.ActionAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_stale_if_match_conflicts_instead_of_overwriting()
    {
        var id = await _app.CreateAsync(NewAction());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/actions/{id}/start") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await _app.As(MaintLead).SendAsync(request)).StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/actions/{id}/block") { Content = JsonContent.Create(new { reason = "parts" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await AssertProblemAsync(await _app.As(MaintLead).SendAsync(stale), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Creating_with_the_same_request_id_returns_the_action_already_made()
    {
        var requestId = Guid.NewGuid();
        var first = await _app.SendAsync(HttpMethod.Post, "/actions", NewAction(requestId: requestId), PlantManager, HttpStatusCode.Created);
        var again = await _app.SendAsync(HttpMethod.Post, "/actions", NewAction(requestId: requestId), PlantManager, HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("actionId").GetGuid(), again.GetProperty("actionId").GetGuid());
        await _app.SendAsync(HttpMethod.Post, "/actions", NewAction(title: "Something else", requestId: requestId), PlantManager, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_history_shows_the_action_as_it_stood_at_a_moment()
    {
        var id = await _app.CreateAsync(NewAction());
        var beforeClaim = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await _app.CloseAsync(id);

        var then = await _app.GetAsync($"/actions/{id}/history?asOf={Uri.EscapeDataString(beforeClaim.ToString("O"))}");
        Assert.Equal("open", then.GetProperty("state").GetProperty("status").GetString());
        var now = await _app.GetAsync($"/actions/{id}/history?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.Equal("verified", now.GetProperty("state").GetProperty("status").GetString());
        var before = await _app.As(PlantManager).GetAsync($"/actions/{id}/history?asOf=2020-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
    }

    [Fact]
    public async Task Lists_page_by_keyset_and_filter_by_owner_and_status()
    {
        for (var i = 0; i < 5; i++) await _app.CreateAsync(NewAction(title: $"Check fixture {i}", owner: i % 2 == 0 ? MaintLead : Planner));
        var page1 = await _app.GetAsync("/actions?limit=3");
        Assert.Equal(3, page1.GetArrayLength());
        var last = page1[2];
        var page2 = await _app.GetAsync($"/actions?limit=3&after={Uri.EscapeDataString(last.GetProperty("createdAt").GetDateTimeOffset().ToString("O"))}&afterId={last.GetProperty("actionId").GetGuid()}");
        Assert.Equal(2, page2.GetArrayLength());
        Assert.DoesNotContain(page2.EnumerateArray(), a => page1.EnumerateArray().Any(b => b.GetProperty("actionId").GetGuid() == a.GetProperty("actionId").GetGuid()));
        Assert.Equal(2, (await _app.GetAsync($"/actions?owner={Planner}&status=open")).GetArrayLength());
        // The source kind is filtered as the API writes it.
        Assert.Equal(5, (await _app.GetAsync("/actions?sourceKind=manual")).GetArrayLength());
        Assert.Equal(0, (await _app.GetAsync("/actions?sourceKind=exception")).GetArrayLength());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await _app.As(PlantManager).GetAsync("/actions?sourceKind=email")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_response_and_changes_nothing()
    {
        var anonymous = await _app.As(null).PostAsJsonAsync("/actions", NewAction(), JsonDefaults.Options);
        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);

        var missing = await _app.As(PlantManager).PostAsJsonAsync("/actions", new { title = "x" });
        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, "required");
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("owner", out _) && errors.TryGetProperty("due", out _) && errors.TryGetProperty("site", out _));

        var unknownEnum = await _app.As(PlantManager).PostAsync("/actions", new StringContent(
            """{"title":"x","owner":"y","due":"2026-12-01T00:00:00Z","site":"OH-DAYTON","priority":"P9"}""", System.Text.Encoding.UTF8, "application/json"));
        await AssertProblemAsync(unknownEnum, HttpStatusCode.BadRequest, "unknown-value");
        Assert.Equal("priority", (await unknownEnum.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        var longTitle = await _app.As(PlantManager).PostAsJsonAsync("/actions", new { title = new string('t', 301), owner = "y", due = Given.Monday.AddDays(2), site = Site });
        await AssertProblemAsync(longTitle, HttpStatusCode.BadRequest, "too-long");
        var malformed = await _app.As(PlantManager).PostAsync("/actions", new StringContent("{\"title\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var huge = await _app.As(PlantManager).PostAsync("/actions", new StringContent(
            $$"""{"title":"x","description":"{{new string('a', 200_000)}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var pastDue = await _app.As(PlantManager).PostAsJsonAsync("/actions", NewAction(due: Given.Monday.AddDays(-1)), JsonDefaults.Options);
        await AssertProblemAsync(pastDue, HttpStatusCode.UnprocessableEntity, "due-in-past");

        await AssertProblemAsync(await _app.TryAsync(Guid.NewGuid(), "start", MaintLead), HttpStatusCode.NotFound);
        var noReason = await _app.TryAsync(await _app.CreateAsync(NewAction()), "cancel", MaintLead, new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(1, await _app.CountAsync("SELECT count(*) FROM actions.action_index"));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? rule = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (rule is not null) Assert.Equal(rule, JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
    }
}
