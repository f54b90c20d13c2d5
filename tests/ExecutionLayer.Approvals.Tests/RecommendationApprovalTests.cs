using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Testing;
using System.Net.Http.Json;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// The planning assistant's recommendation to expedite PO-4410 (USD 4,800) is above what Dayton lets it do alone: the plant manager
/// decides, before the recommendation expires at 18:00 — sooner than the expedite policy's two days.
/// </summary>
public sealed class RecommendationApprovalTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ExpiresAt = Monday.AddHours(18);
    private readonly ApprovalsApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        await _app.PutAsync("/policies/recommended-expedites", new PolicyDefinition("Recommended expedites", new PolicyMatch(["recommendation.expedite-purchase-order"]),
            [new StageRule("Plant manager", [PlantManagerRole], new Quorum(QuorumKind.Any), "PT4H")], "P2D"));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private static RecommendationApprovalNeeded Needed(Guid requestId, Guid recommendationId, string subjectType = "recommendation.expedite-purchase-order") => new(
        requestId, recommendationId, "OH-DAYTON", subjectType, recommendationId.ToString(), 4_800m, "USD", "High", "planning-assistant",
        "Recommended by planning-assistant (copilot-plan 2026.11): Expedite purchase order PO-4410 to arrive by 2026-11-24",
        new RecommendationContext(recommendationId, "planning-assistant", "copilot-plan", "2026.11", 0.9m, "sales order SO-1001 shipped by its promise date",
            ["Expedite purchase order PO-4410 to arrive by 2026-11-24"], [new RecommendationEvidenceItem("Supplier confirms air freight", "Tuesday 06:00", null)], null,
            ["PR-78"], [], ["SH-900"], [new CommitmentAtRisk("SO-1001", "Acme Axles", Monday.AddDays(4), 48_000m, "USD")], 48_000m, AskedAt,
            [new AmendableAction(0, "expedite-purchase-order", "Expedite purchase order PO-4410 to arrive by 2026-11-24", 4_800m, null, null, Monday.AddDays(1))]),
        ExpiresAt, AskedAt);

    [Fact]
    public async Task The_plant_manager_decides_on_the_recommendation_which_expires_when_it_does_and_the_grant_names_its_request()
    {
        var (requestId, recommendationId) = (Guid.NewGuid(), Guid.NewGuid());
        await _app.Bus.PublishAsync(Needed(requestId, recommendationId));

        var approvalId = RequestApproval.IdFor(requestId);
        var notice = await _app.NoticeForAsync(approvalId, PlantManager);
        Assert.Equal($"recommendation-{recommendationId}", notice.Data.GetProperty("correlationId").GetString());
        Assert.Equal("copilot-plan", notice.Data.GetProperty("decisionContext").GetProperty("model").GetString());
        var state = (await _app.ApprovalAsync(approvalId)).GetProperty("state");
        Assert.Equal((ExpiresAt, "planning-assistant"), (state.GetProperty("expiresAt").GetDateTimeOffset(), state.GetProperty("requester").GetString()));

        Assert.Equal(System.Net.HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(notice, "approve"))).StatusCode);
        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant");
        Assert.Equal((requestId, PlantManager), (granted.ExternalReference, granted.DecidedBy));
    }

    [Fact]
    public async Task The_plant_manager_accepts_with_a_cheaper_later_expedite_and_the_grant_carries_the_change()
    {
        var (requestId, recommendationId) = (Guid.NewGuid(), Guid.NewGuid());
        await _app.Bus.PublishAsync(Needed(requestId, recommendationId));
        var approvalId = RequestApproval.IdFor(requestId);
        var notice = await _app.NoticeForAsync(approvalId, PlantManager);
        var approve = ApprovalsApp.TokenOf(notice, "approve");

        // More than was asked, or a change with a rejection, is refused and nothing is recorded.
        var dearer = await _app.Client.PostAsJsonAsync("/decisions", new { token = approve, amendments = new[] { new { index = 0, cost = 5_000 } } });
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, dearer.StatusCode);
        Assert.Contains("cost from 0 up to the 4800 asked", await dearer.Content.ReadAsStringAsync());
        var rejectWithChanges = await _app.Client.PostAsJsonAsync("/decisions",
            new { token = ApprovalsApp.TokenOf(notice, "reject"), amendments = new[] { new { index = 0, cost = 100 } } });
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, rejectWithChanges.StatusCode);
        Assert.Equal("pending", await _app.StatusOfAsync(approvalId));

        var later = Monday.AddDays(2);
        var decided = await _app.Client.PostAsJsonAsync("/decisions", new
        {
            token = approve, comment = "Sea-air is enough; Wednesday is fine", amendments = new[] { new { index = 0, cost = 2_900, at = later } },
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, decided.StatusCode);
        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant");
        Assert.Equal([new ApprovalAmendment(0, false, 2_900m, null, null, later)], granted.Amendments!);
    }

    [Fact]
    public void Changes_may_only_lower_or_move_what_was_asked_and_merge_in_the_order_they_were_made()
    {
        IReadOnlyList<AmendableItem> items = [new(0, 4_800m, null, null, Monday.AddDays(1)), new(1, 900m, 8m, null, Monday.AddDays(1))];
        Assert.Empty(Amendments.Problems(items, [], [new Amendment(1, Hours: 4m, Cost: 450m)]));
        Assert.Equal(["Item 1: hours from above 0 up to the 8 asked."], Amendments.Problems(items, [], [new Amendment(1, Hours: 0m)]));
        Assert.Equal(["Item 0 has no hours to change."], Amendments.Problems(items, [], [new Amendment(0, Hours: 2m)]));
        Assert.Equal(["There is no item 2 to change (items: 0, 1)."], Amendments.Problems(items, [], [new Amendment(2, Drop: true)]));
        Assert.Equal(["Every item left out is a rejection: reject it instead."], Amendments.Problems(items, [new Amendment(0, Drop: true)], [new Amendment(1, Drop: true)]));
        Assert.Single(Amendments.Problems([], [], [new Amendment(0, Drop: true)]));

        var merged = Amendments.Merge([new Amendment(1, Hours: 6m), new Amendment(0, Cost: 3_000m)], [new Amendment(1, Cost: 500m)]);
        Assert.Equal([new Amendment(0, Cost: 3_000m), new Amendment(1, Hours: 6m, Cost: 500m)], merged);
    }

    [Fact]
    public async Task On_the_decision_page_the_plant_manager_lowers_the_cost_and_moves_the_date_and_a_reject_ignores_what_was_typed()
    {
        var (requestId, recommendationId) = (Guid.NewGuid(), Guid.NewGuid());
        await _app.Bus.PublishAsync(Needed(requestId, recommendationId));
        var approvalId = RequestApproval.IdFor(requestId);
        var notice = await _app.NoticeForAsync(approvalId, PlantManager);
        var approve = ApprovalsApp.TokenOf(notice, "approve");

        var page = await _app.Client.GetStringAsync($"/decisions/{approve}");
        Assert.Contains("<summary>Approve with changes</summary>", page);
        Assert.Contains("<legend>Expedite purchase order PO-4410 to arrive by 2026-11-24</legend>", page);
        Assert.Contains("Cost (asked 4,800.00)", page);
        Assert.Contains("name=\"at-0\" type=\"datetime-local\"", page);
        Assert.DoesNotContain("name=\"hours-0\"", page); // the expedite asks for no hours

        static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        var notANumber = await _app.Client.PostAsync("/decisions", Form(("token", approve), ("cost-0", "cheap")));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, notANumber.StatusCode);
        Assert.Contains("Item 1: the cost &quot;cheap&quot; is not a number.", await notANumber.Content.ReadAsStringAsync());
        var dearer = await _app.Client.PostAsync("/decisions", Form(("token", approve), ("cost-0", "5000")));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, dearer.StatusCode);
        Assert.Equal("pending", await _app.StatusOfAsync(approvalId));

        var decided = await _app.Client.PostAsync("/decisions", Form(("token", approve), ("comment", "Wednesday is fine"), ("cost-0", "2900"),
            ("at-0", "2026-11-25T12:00"), ("hours-0", "")));
        Assert.Equal(System.Net.HttpStatusCode.OK, decided.StatusCode);
        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant");
        Assert.Equal([new ApprovalAmendment(0, false, 2_900m, null, null, new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))], granted.Amendments!);

        // Another request: the approver typed a change, then chose to reject; the rejection stands and changes nothing.
        var (otherRequest, otherRecommendation) = (Guid.NewGuid(), Guid.NewGuid());
        await _app.Bus.PublishAsync(Needed(otherRequest, otherRecommendation));
        var other = await _app.NoticeForAsync(RequestApproval.IdFor(otherRequest), PlantManager);
        var rejected = await _app.Client.PostAsync("/decisions", Form(("token", ApprovalsApp.TokenOf(other, "reject")), ("cost-0", "100"), ("drop-0", "on")));
        Assert.Equal(System.Net.HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", await _app.StatusOfAsync(RequestApproval.IdFor(otherRequest)));
    }

    [Fact]
    public async Task A_kind_no_policy_governs_is_refused_and_the_recommendation_hears_so()
    {
        var requestId = Guid.NewGuid();
        await _app.Bus.PublishAsync(Needed(requestId, Guid.NewGuid(), "recommendation.release-hold"));
        var refused = await _app.Bus.WaitForAsync<ApprovalRefused>(r => r.ExternalReference == requestId, "the refusal");
        Assert.Contains("recommendation.release-hold", refused.Why);
    }

    [Fact]
    public async Task An_accepted_recommendations_command_reaches_the_ERPs_webhook_once_signed_and_nowhere_else()
    {
        var erp = await _app.OwnReceiverAsync(eventTypes: ["erp.command"]);
        var command = new ErpCommandIssued(Guid.NewGuid(), Guid.NewGuid(), "OH-DAYTON", "expedite-purchase-order", "purchase-order/PO-4410", "PO-4410", null, null,
            null, null, null, Monday.AddDays(1).AddHours(6), null, null, null, null, 1_200m, "Recommended by planning-assistant …", PlantManager, AskedAt);
        var messageId = Guid.NewGuid();
        await _app.Bus.PublishAsync(command, messageId);
        await _app.Bus.PublishAsync(command, messageId);
        await _app.Bus.PublishAsync(command);

        var told = await erp.Receiver.WaitForAsync(w => w.Type == "erp.command", "the ERP is told");
        Assert.True(told.SignatureValid);
        Assert.Equal(("PO-4410", "expedite-purchase-order", command.CommandId.ToString()),
            (told.Data.GetProperty("purchaseOrderId").GetString(), told.Data.GetProperty("kind").GetString(), told.Data.GetProperty("commandId").GetString()));
        await Eventually.TrueAsync(async () => await _app.CountAsync("SELECT count(*) FROM approvals.inbox WHERE consumer = 'approvals:erp-command'") >= 2, "every delivery handled");
        Assert.Equal(1, await _app.CountAsync($"SELECT count(*) FROM approvals.webhook_deliveries WHERE event_type = 'erp.command' AND approval_id = '{command.CommandId}'"));
        Assert.DoesNotContain(_app.Bridge.Received, w => w.Type == "erp.command");
    }

    [Fact]
    public void A_request_expires_by_what_it_asks_about_when_that_is_sooner_than_its_policy_would_keep_it()
    {
        var policy = Version(Policy());
        var sooner = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request() with { ExpiresBy = AskedAt.AddHours(3) }, policy, At(AskedAt)));
        var later = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request() with { ExpiresBy = AskedAt.AddDays(5) }, policy, At(AskedAt)));
        Assert.Equal((AskedAt.AddHours(3), AskedAt.AddDays(2)), (sooner.ExpiresAt, later.ExpiresAt));
    }

    [Fact]
    public void A_recommendations_context_is_asked_of_the_exceptions_service_as_a_cases_is()
    {
        var id = Guid.NewGuid();
        Assert.Equal($"recommendations/{id}/decision-context", LiveContexts.OwnerOf($"recommendation-{id}")!.Path);
        Assert.Equal($"exceptions/{id}/decision-context", LiveContexts.OwnerOf($"case-{id}")!.Path);
        Assert.Null(LiveContexts.OwnerOf($"change-{id}"));
    }
}
