using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Every refusal is a problem response that says what is wrong, and nothing is written.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => _app.DisposeAsync();

    private Task<long> EventCountAsync() => _app.CountAsync("SELECT count(*) FROM approvals.mt_events");

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, string json, string? person = null) =>
        (person is null ? _app.Client : _app.As(person)).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Malformed_or_incomplete_requests_are_bad_requests_naming_each_field()
    {
        var before = await EventCountAsync();

        Assert.Equal("malformed-json", (await ProblemAsync(await PostRawAsync("/approvals", "{\"subject\": "), HttpStatusCode.BadRequest)).GetProperty("rule").GetString());
        var wrongType = await ProblemAsync(await PostRawAsync("/approvals", "{\"amount\": \"lots\"}"), HttpStatusCode.BadRequest);
        Assert.Equal(("amount", "wrong-type"), (wrongType.GetProperty("field").GetString(), wrongType.GetProperty("rule").GetString()));

        var missing = await ProblemAsync(await PostRawAsync("/approvals", "{\"site\": \"NOWHERE\", \"amount\": -5, \"decisionContext\": [1]}"), HttpStatusCode.BadRequest);
        Assert.Equal("required", missing.GetProperty("rule").GetString());
        Assert.Equal(["reason", "subject"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray());

        var wrong = await ProblemAsync(await PostRawAsync("/approvals",
            "{\"subject\": {\"type\": \"\", \"id\": \"x\"}, \"reason\": \" \", \"site\": \"NOWHERE\", \"amount\": -5, \"currency\": \"dollars\", \"decisionContext\": [1]}"), HttpStatusCode.BadRequest);
        var errors = wrong.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["amount", "currency", "decisionContext", "reason", "site", "subject"], errors);
        Assert.Contains("PUT /api/sites/NOWHERE", wrong.GetProperty("errors").GetProperty("site")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task A_request_no_policy_governs_is_unprocessable_and_leaves_nothing()
    {
        var before = await EventCountAsync();
        var body = JsonSerializer.Serialize(ApprovalsApp.OvertimeRequest()).Replace("\"overtime\"", "\"expedite\"");

        var problem = await ProblemAsync(await PostRawAsync("/approvals", body, Overtime.Planner), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("no-policy", problem.GetProperty("rule").GetString());
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task An_oversized_request_is_refused_before_it_is_read()
    {
        var huge = JsonSerializer.Serialize(new { decisionContext = new { blob = new string('x', 300 * 1024) } });

        await ProblemAsync(await PostRawAsync("/approvals", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Withdrawing_is_for_the_requester_once_and_unknown_requests_are_not_found()
    {
        var approvalId = await _app.RequestOvertimeAsync();

        var planner = _app.As(Overtime.Planner);
        await ProblemAsync(await _app.As(Overtime.PlantManager).PostAsJsonAsync($"/approvals/{approvalId}/withdrawal", new { reason = "no" }),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.OK, (await planner.PostAsJsonAsync($"/approvals/{approvalId}/withdrawal", new { reason = "CNC-4 is back" })).StatusCode);
        await ProblemAsync(await planner.PostAsJsonAsync($"/approvals/{approvalId}/withdrawal", new { reason = "again" }), HttpStatusCode.Conflict);
        await ProblemAsync(await planner.PostAsJsonAsync($"/approvals/{Guid.NewGuid()}/withdrawal", new { reason = "x" }), HttpStatusCode.NotFound);
        await ProblemAsync(await _app.Client.GetAsync($"/approvals/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Posting_the_same_request_id_again_returns_the_request_already_made()
    {
        var requestId = Guid.NewGuid();
        var first = await _app.As(Overtime.Planner).PostAsJsonAsync("/approvals", ApprovalsApp.OvertimeRequest(requestId));
        var again = await _app.As(Overtime.Planner).PostAsJsonAsync("/approvals", ApprovalsApp.OvertimeRequest(requestId));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approvalId").GetGuid(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approvalId").GetGuid());
        await ProblemAsync(await _app.As("someone.else").PostAsJsonAsync("/approvals", ApprovalsApp.OvertimeRequest(requestId)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_policies_directory_entries_delegations_and_subscriptions_are_bad_requests()
    {
        var before = await EventCountAsync();

        await ProblemAsync(await _app.Client.PutAsync("/policies/Bad Id!", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PutAsync("/policies/overtime", new StringContent("{\"name\":\"x\",\"stages\":[],\"expiry\":\"soon\"}", Encoding.UTF8,
            "application/json")), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PutAsJsonAsync("/directory/NOWHERE/roles/plant-manager", new { people = new[] { "x" } }), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.As("a").PostAsJsonAsync("/delegations", new { to = "b", validFrom = Overtime.Monday, validUntil = Overtime.Monday }),
            HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PostAsJsonAsync("/webhooks/subscriptions", new { url = "ftp://bridge", secret = "plain" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PostAsJsonAsync("/webhooks/subscriptions", new { url = "http://bridge", eventTypes = new[] { "approval.nope" } }),
            HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.DeleteAsync("/policies/none-such"), HttpStatusCode.NotFound);
        await ProblemAsync(await _app.Client.DeleteAsync($"/delegations/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAsync(await _app.Client.GetAsync($"/webhooks/deliveries/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task A_decision_without_a_token_or_with_an_overlong_comment_is_a_bad_request()
    {
        await ProblemAsync(await _app.Client.PostAsJsonAsync("/decisions", new { comment = "yes" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PostAsJsonAsync("/decisions", new { token = "x.y", comment = new string('c', 4001) }), HttpStatusCode.BadRequest);
        await ProblemAsync(await PostRawAsync("/decisions", "{\"token\":"), HttpStatusCode.BadRequest);
        await ProblemAsync(await _app.Client.PostAsync("/decisions", new StringContent("token", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(await PostRawAsync("/decisions/callback", "{\"token\":\"x\"}"), HttpStatusCode.BadRequest);
    }
}
