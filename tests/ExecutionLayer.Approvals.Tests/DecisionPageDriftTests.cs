using System.Net;
using System.Text.Json;
using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Testing;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>The page a decision link opens says plainly what changed since the request, before the button.</summary>
public sealed class DecisionPageDriftTests
{
    private static readonly ApprovalRequest Asked = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), At(AskedAt)));
    private static readonly DecisionToken Approve = DecisionToken.For(Asked.Id, 0, 0, PlantManager, null, Verdict.Approve, Asked.ExpiresAt);

    private static JsonElement Context(decimal valueAtRisk, params string[] customers) => JsonSerializer.SerializeToElement(new
    {
        productionOrders = new[] { "PO-1" }, shipments = new[] { "SH-1" }, valueAtRisk,
        commitments = customers.Select(c => new { customer = c, value = 1m }),
    });

    private static string Page(JsonElement now, bool cleared)
    {
        var then = Context(52_000m, "Acme Axles");
        var contexts = new DecisionContexts(Asked.Id, then, now, ContextDrift.Between(then, now, cleared), true, null, ContextSeen.Digest(now), []);
        return ConfirmationPage.Render(Asked, Approve, "token", "sibling", AskedAt.AddHours(1), contexts);
    }

    [Fact]
    public void Value_at_risk_doubled_and_a_new_customer_are_said_before_the_button()
    {
        var html = Page(Context(104_000m, "Acme Axles", "Birch Brakes"), cleared: false);

        Assert.Contains("What changed since it was requested", html);
        Assert.Contains("Value at risk: 52,000 then, 104,000 now (+100 %).", html);
        Assert.Contains("Customers now affected: Birch Brakes.", html);
        Assert.True(html.IndexOf("What changed", StringComparison.Ordinal) < html.IndexOf("<button", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cleared_deviation_is_said_first()
    {
        var html = Page(Context(0m), cleared: true);
        Assert.Contains("<strong>The deviation has cleared</strong>", html);
        Assert.Contains("Customers no longer affected: Acme Axles.", html);
    }

    [Fact]
    public void Nothing_changed_is_said_too_and_an_unreachable_owner_is_named()
    {
        Assert.Contains("Nothing has changed since it was requested", Page(Context(52_000m, "Acme Axles"), cleared: false));
        var frozen = ConfirmationPage.Render(Asked, Approve, "token", "sibling", AskedAt.AddHours(1),
            new DecisionContexts(Asked.Id, Asked.DecisionContext, null, null, false, "The exceptions service did not answer for case 42.", null, []));
        Assert.Contains("The data now could not be had", frozen);
        Assert.Contains("The exceptions service did not answer for case 42.", frozen);
    }
}

/// <summary>Through the service: a link for a case's request opens with the owner asked, and with it down says so.</summary>
public sealed class DecisionPageOwnerDownTests : IAsyncLifetime
{
    // Where the exceptions service would be, with nothing listening: the owner is down.
    private readonly ApprovalsApp _app = new(("Services:exceptions", $"http://127.0.0.1:{LoopbackPort.Free()}/"));

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_cases_request_opens_on_the_frozen_context_saying_the_owner_did_not_answer()
    {
        var caseId = Guid.NewGuid();
        var request = JsonSerializer.SerializeToElement(ApprovalsApp.OvertimeRequest());
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(request.GetRawText())!;
        body["correlationId"] = JsonSerializer.SerializeToElement($"case-{caseId}");
        var approvalId = (await _app.PostAsync("/approvals", body, HttpStatusCode.Created, Overtime.Planner)).GetProperty("approvalId").GetGuid();
        var notice = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);

        var page = await _app.Client.GetAsync($"/decisions/{ApprovalsApp.TokenOf(notice, "approve")}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("The data now could not be had", html);
        Assert.Contains($"did not answer for case {caseId}", html);
    }
}
