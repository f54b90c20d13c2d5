using System.Net;
using System.Net.Http.Json;
using System.Text;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Contracts.Approvals;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Approvers never log in: a link opens a page that decides nothing; the page's button, a script or a bridge's signed callback decide.</summary>
public sealed class DecisionLinkTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();
    private Guid _approvalId;
    private string _approve = "";
    private string _reject = "";

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _approvalId = await _app.RequestOvertimeAsync();
        var notice = await _app.NoticeForAsync(_approvalId, Overtime.PlantManager);
        (_approve, _reject) = (ApprovalsApp.TokenOf(notice, "approve"), ApprovalsApp.TokenOf(notice, "reject"));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private Task<long> EventsAsync() => _app.CountAsync($"SELECT count(*) FROM approvals.mt_events WHERE stream_id = 'approval-{_approvalId}'");

    [Fact]
    public async Task Opening_a_link_shows_what_is_asked_and_on_which_data_and_decides_nothing()
    {
        var before = await EventsAsync();

        var page = await _app.Client.GetAsync($"/decisions/{_approve}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Saturday shift to recover the CNC-4 backlog</h1>", html);
        Assert.Contains("18,000.00 USD", html);
        Assert.Contains("SO-1001", html);
        Assert.Contains("method=\"post\"", html);
        // When it is due and what happens then, under which policy and with whom; both choices, each its own signed token.
        Assert.Contains("then it goes to whoever holds operations-director", html);
        Assert.Contains("overtime v1", html);
        Assert.Contains("pat.plant — 1 of 1 needed", html);
        Assert.Contains($"name=\"token\" value=\"{_approve}\"", html);
        Assert.Contains($"name=\"token\" value=\"{_reject}\"", html);
        Assert.True(html.IndexOf(">Approve<", StringComparison.Ordinal) < html.IndexOf(">Reject<", StringComparison.Ordinal));
        Assert.Contains("<details><summary>Details: the data as requested (JSON)</summary>", html);
        Assert.Equal(before, await EventsAsync());
        Assert.Equal("pending", await _app.StatusOfAsync(_approvalId));
    }

    [Fact]
    public async Task The_pages_button_posts_the_token_and_records_the_decision()
    {
        var form = new FormUrlEncodedContent([new("token", _approve), new("comment", "OK for Saturday")]);

        var response = await _app.Client.PostAsync("/decisions", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("now granted", await response.Content.ReadAsStringAsync());
        await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == _approvalId && g.DecidedBy == Overtime.PlantManager, "the grant");
    }

    [Fact]
    public async Task A_used_token_and_its_sibling_are_conflicts_and_change_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(_approve)).StatusCode);
        var after = await EventsAsync();

        Assert.Equal(HttpStatusCode.Conflict, (await _app.DecideAsync(_approve)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _app.DecideAsync(_reject)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _app.Client.GetAsync($"/decisions/{_approve}")).StatusCode);
        Assert.Equal(after, await EventsAsync());
    }

    [Fact]
    public async Task A_forged_or_expired_token_is_unauthorized_and_decides_nothing()
    {
        var forged = _reject.Split('.')[0] + "." + _approve.Split('.')[1];

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.DecideAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.GetAsync($"/decisions/{forged}")).StatusCode);
        _app.Clock.Set(Overtime.AskedAt.AddDays(3));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.DecideAsync(_approve)).StatusCode);
        Assert.Equal(0, await _app.CountAsync($"SELECT count(*) FROM approvals.mt_events WHERE stream_id = 'approval-{_approvalId}' AND type = 'approvals.decision-recorded'"));
        Assert.DoesNotContain(_app.Bus.Received<ApprovalGranted>(), g => g.ApprovalId == _approvalId);
    }

    [Fact]
    public async Task A_bridge_callback_signed_with_its_subscription_secret_decides()
    {
        var response = await CallbackAsync(_reject, DateTimeOffset.UtcNow, ApprovalsApp.BridgeSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rejected = await _app.Bus.WaitForAsync<ApprovalRejected>(r => r.ApprovalId == _approvalId, "the rejection");
        Assert.Equal("Not this week", rejected.Comment);
        var history = (await _app.ApprovalAsync(_approvalId)).GetProperty("history").EnumerateArray();
        Assert.Contains(history, h => h.GetProperty("type").GetString() == "approvals.decision-recorded"
            && h.GetProperty("event").GetProperty("via").GetString() == "callback");
    }

    [Fact]
    public async Task A_callback_with_a_wrong_signature_or_a_stale_timestamp_is_unauthorized_and_changes_nothing()
    {
        var before = await EventsAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallbackAsync(_approve, DateTimeOffset.UtcNow, StandardWebhooks.NewSecret())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallbackAsync(_approve, DateTimeOffset.UtcNow.AddMinutes(-6), ApprovalsApp.BridgeSecret)).StatusCode);
        Assert.Equal(before, await EventsAsync());
    }

    private async Task<HttpResponseMessage> CallbackAsync(string token, DateTimeOffset at, string secret)
    {
        var body = $$"""{"subscriptionId":"{{_app.BridgeSubscription}}","token":"{{token}}","comment":"Not this week"}""";
        var id = $"msg_{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decisions/callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhooks.Sign(secret, id, at.ToUnixTimeSeconds(), body));
        return await _app.Client.SendAsync(request);
    }
}
