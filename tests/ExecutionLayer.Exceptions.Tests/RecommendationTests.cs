using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// Dayton's planning assistant recommends when the plan breaks. Dayton lets it expedite purchase orders of up to USD 2,000 of freight
/// on its own when it is at least 80% sure; everything else goes to people. Through the real service and RabbitMQ: the probe stands
/// in for the approvals and actions services.
/// </summary>
public sealed class RecommendationTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private const string Assistant = "planning-assistant";
    private BusProbe _probe = null!;

    public async Task InitializeAsync()
    {
        _probe = await new BusProbe(app.Bus).Listen<RecommendationApprovalNeeded>().Listen<RecommendationAccepted>().Listen<ErpCommandIssued>().StartAsync();
        var rule = await app.Client.PutAsJsonAsync("/recommendation-policies/OH-DAYTON/expedite-purchase-order",
            new { autoAcceptUpTo = 2_000, minConfidence = 0.8, subjectType = "recommendation.expedite" });
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    /// <summary>SO-1001's plan, and PR-78's bearings on PO-4410, due a day after they are needed.</summary>
    private async Task PlanAsync(string s)
    {
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.BearingsNeededAndOrdered(s, $"PO-4410{s}"));
    }

    private static object Expedite(string s, decimal cost) =>
        new { kind = "expeditePurchaseOrder", purchaseOrderId = $"PO-4410{s}", needBy = PlantDay.Monday.AddDays(1).AddHours(6), cost };

    private Task<HttpResponseMessage> RecommendAsync(string s, string id, decimal confidence, object[] actions, Guid? caseId = null, DateTimeOffset? expiresAt = null) =>
        app.As(Assistant).PostAsJsonAsync("/recommendations", new
        {
            id, site = "OH-DAYTON", source = new { system = Assistant, model = "copilot-plan", modelVersion = "2026.11" }, actions,
            expectedEffect = new { salesOrderId = $"SO-1001{s}" }, confidence,
            evidence = new[] { new { label = "Supplier confirms air freight", value = "Tuesday 06:00", url = "https://erp.example/po/4410" } },
            expiresAt = expiresAt ?? PlantDay.Monday.AddDays(1), caseId,
        });

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> RecommendationAsync(Guid id) => await app.Client.GetFromJsonAsync<JsonElement>($"/recommendations/{id}");

    [Fact]
    public async Task A_small_sure_expedite_is_accepted_by_the_rule_and_its_action_is_followed_to_verified()
    {
        const string s = "-rec-auto";
        await PlanAsync(s);

        var recommendation = await ReadAsync(await RecommendAsync(s, $"rec{s}", 0.85m, [Expedite(s, 1_200m)]), HttpStatusCode.Created);
        Assert.Equal(("accepted", "exceptions:recommendation-policy", Assistant), (recommendation.GetProperty("status").GetString(),
            recommendation.GetProperty("decidedBy").GetString(), recommendation.GetProperty("client").GetString()));
        Assert.Equal(1, recommendation.GetProperty("rules")[0].GetProperty("version").GetInt32());
        var id = recommendation.GetProperty("recommendationId").GetGuid();

        var accepted = await _probe.WaitForAsync<RecommendationAccepted>(a => a.RecommendationId == id, "the actions service is asked for its action");
        var work = Assert.Single(accepted.Work);
        Assert.Equal(("expedite-purchase-order", "procurement", "buyer", 1), (work.Kind, work.Function, work.OwnerRole, work.DueInDays));
        Assert.Equal($"Expedite purchase order PO-4410{s} to arrive by 2026-11-24", work.Title);
        Assert.DoesNotContain(_probe.Received<RecommendationApprovalNeeded>(), n => n.RecommendationId == id);

        // SAP is told what to do, named by the action's request id, with who accepted it.
        var command = await _probe.WaitForAsync<ErpCommandIssued>(c => c.RecommendationId == id, "the ERP is told to expedite");
        Assert.Equal((work.RequestId, "expedite-purchase-order", $"purchase-order/PO-4410{s}", $"PO-4410{s}", PlantDay.Monday.AddDays(1).AddHours(6), 1_200m,
            "exceptions:recommendation-policy"), (command.CommandId, command.Kind, command.Subject, command.PurchaseOrderId, command.NeedBy!.Value, command.Cost!.Value,
            command.AcceptedBy));

        // The actions service made it, its owner started it, someone else verified it.
        var actionId = Guid.NewGuid();
        var reference = work.RequestId.ToString();
        await _probe.PublishAsync(new ActionItemCreated(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null, work.Title, "bo.buyer",
            PlantDay.Monday.AddDays(1), PlantDay.Monday.AddHours(9).AddMinutes(6)));
        await _probe.PublishAsync(new ActionItemStarted(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null, "bo.buyer", PlantDay.Monday.AddHours(10)));
        await _probe.PublishAsync(new ActionItemVerified(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null, "lee.ops", PlantDay.Monday.AddHours(15)));
        await Eventually.TrueAsync(async () => (await RecommendationAsync(id)).GetProperty("work")[0].GetProperty("status").GetString() == "verified",
            "the action is followed to verified");
        var followed = (await RecommendationAsync(id)).GetProperty("work")[0];
        Assert.Equal((actionId, PlantDay.Monday.AddHours(10)), (followed.GetProperty("actionId").GetGuid(), followed.GetProperty("startedAt").GetDateTimeOffset()));

        // Posted again (a retry), it is the same recommendation; the same id with other content is refused.
        var again = await ReadAsync(await RecommendAsync(s, $"rec{s}", 0.85m, [Expedite(s, 1_200m)]), HttpStatusCode.OK);
        Assert.Equal(id, again.GetProperty("recommendationId").GetGuid());
        var reused = await RecommendAsync(s, $"rec{s}", 0.5m, [Expedite(s, 1_200m)]);
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
    }

    [Fact]
    public async Task Above_the_limit_people_decide_on_what_the_order_touches_and_once_granted_the_case_it_answers_records_it()
    {
        const string s = "-rec-people";
        await PlanAsync(s);
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var machineCase = (await app.WaitForCaseAsync("MachineDown", s, "responding")).GetProperty("caseId").GetGuid();

        var recommendation = await ReadAsync(await RecommendAsync(s, $"rec{s}", 0.9m, [Expedite(s, 4_800m)], machineCase), HttpStatusCode.Created);
        Assert.Equal("pending", recommendation.GetProperty("status").GetString());
        Assert.Equal("expedite-purchase-order: 4800 USD is above the 2000 the rule (v1) accepts.", recommendation.GetProperty("whyRouted")[0].GetString());
        var id = recommendation.GetProperty("recommendationId").GetGuid();

        var needed = await _probe.WaitForAsync<RecommendationApprovalNeeded>(n => n.RecommendationId == id, "people are asked to decide");
        Assert.Equal(("recommendation.expedite", 4_800m, "USD", Assistant), (needed.SubjectType, needed.Amount, needed.Currency, needed.Requester));
        Assert.Equal([$"SO-1001{s}"], needed.Context.Commitments.Select(c => c.SalesOrderId));
        Assert.Contains($"PR-78{s}", needed.Context.ProductionOrders);
        Assert.Equal(("copilot-plan", 0.9m, $"sales order SO-1001{s} shipped by its promise date"), (needed.Context.Model, needed.Context.Confidence, needed.Context.ExpectedEffect));
        Assert.Equal(PlantDay.Monday.AddDays(1), needed.ExpiresAt);

        // The approvals service asks again for the context when an approver opens it: the same proposal, read now.
        var now = await app.Client.GetFromJsonAsync<JsonElement>($"/recommendations/{id}/decision-context");
        Assert.Equal((48_000m, false), (now.GetProperty("context").GetProperty("valueAtRisk").GetDecimal(), now.GetProperty("cleared").GetBoolean()));

        var approvalId = Guid.NewGuid();
        await _probe.PublishAsync(new ApprovalGranted(approvalId, needed.RequestId, $"recommendation-{id}", "OH-DAYTON", needed.SubjectType, needed.SubjectId,
            "expedites", 2, "pat.plant", PlantDay.Monday.AddHours(9).AddMinutes(30)));
        var accepted = await _probe.WaitForAsync<RecommendationAccepted>(a => a.RecommendationId == id, "the accepted actions are asked for");
        Assert.Equal(("pat.plant", approvalId), (accepted.AcceptedBy, accepted.ApprovalId!.Value));

        var decided = await RecommendationAsync(id);
        Assert.Equal(("accepted", "accepted by pat.plant"), (decided.GetProperty("status").GetString(), decided.GetProperty("outcome").GetString()));
        await Eventually.TrueAsync(async () => (await app.CaseAsync(machineCase.ToString())).GetProperty("timeline").EnumerateArray()
            .Any(e => e.GetProperty("type").GetString() == "exceptions.recommendation-linked"), "the case records the accepted recommendation");
    }

    [Fact]
    public async Task Rejected_with_a_reason_or_left_to_expire_nothing_is_done()
    {
        const string s = "-rec-no";
        await PlanAsync(s);
        var rejectedId = (await ReadAsync(await RecommendAsync(s, $"rec-a{s}", 0.6m, [Expedite(s, 900m)]), HttpStatusCode.Created)).GetProperty("recommendationId").GetGuid();
        var expiringId = (await ReadAsync(await RecommendAsync(s, $"rec-b{s}", 0.6m, [Expedite(s, 900m)]), HttpStatusCode.Created)).GetProperty("recommendationId").GetGuid();
        var toReject = await _probe.WaitForAsync<RecommendationApprovalNeeded>(n => n.RecommendationId == rejectedId, "the first is asked");
        var toExpire = await _probe.WaitForAsync<RecommendationApprovalNeeded>(n => n.RecommendationId == expiringId, "the second is asked");

        await _probe.PublishAsync(new ApprovalRejected(Guid.NewGuid(), toReject.RequestId, null, "OH-DAYTON", toReject.SubjectType, toReject.SubjectId, "expedites", 2,
            "pat.plant", "The supplier cannot fly it before Thursday", PlantDay.Monday.AddHours(10)));
        await _probe.PublishAsync(new ApprovalExpired(Guid.NewGuid(), toExpire.RequestId, null, "OH-DAYTON", toExpire.SubjectType, toExpire.SubjectId, PlantDay.Monday.AddDays(1)));

        await Eventually.TrueAsync(async () => (await RecommendationAsync(rejectedId)).GetProperty("status").GetString() == "rejected", "the first is rejected");
        await Eventually.TrueAsync(async () => (await RecommendationAsync(expiringId)).GetProperty("status").GetString() == "expired", "the second expires");
        Assert.Equal("rejected by pat.plant: The supplier cannot fly it before Thursday", (await RecommendationAsync(rejectedId)).GetProperty("outcome").GetString());
        Assert.DoesNotContain(_probe.Received<RecommendationAccepted>(), a => a.RecommendationId == rejectedId || a.RecommendationId == expiringId);
        Assert.Equal(0, (await RecommendationAsync(rejectedId)).GetProperty("work").GetArrayLength());

        // Listed by status, named as the API writes it; a status that is none is refused.
        var rejected = await app.Client.GetFromJsonAsync<JsonElement>("/recommendations?site=OH-DAYTON&status=rejected");
        Assert.Contains(rejected.EnumerateArray(), r => r.GetProperty("recommendationId").GetGuid() == rejectedId);
        Assert.DoesNotContain(rejected.EnumerateArray(), r => r.GetProperty("recommendationId").GetGuid() == expiringId);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/recommendations?status=none")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/recommendations?status=3")).StatusCode);
    }

    [Fact]
    public async Task A_recommendation_about_what_the_plant_never_reported_or_that_says_too_little_is_refused_and_nothing_is_kept()
    {
        const string s = "-rec-bad";
        await PlanAsync(s);

        var unknown = await RecommendAsync(s, $"rec-a{s}", 0.9m, [new { kind = "expeditePurchaseOrder", purchaseOrderId = "PO-NOBODY", needBy = PlantDay.Friday }]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("no purchase order PO-NOBODY has been reported at OH-DAYTON", await unknown.Content.ReadAsStringAsync());

        var vague = await RecommendAsync(s, $"rec-b{s}", 1.2m, [new { kind = "addOvertime", workCenter = $"CNC-4{s}" }], expiresAt: PlantDay.Monday);
        Assert.Equal(HttpStatusCode.BadRequest, vague.StatusCode);
        var errors = (await vague.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["actions[0]", "confidence", "expiresAt"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        var released = await RecommendAsync(s, $"rec-c{s}", 0.9m, [new { kind = "releaseHold", holdId = $"QH-1{s}" }]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, released.StatusCode);

        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.recommendation_index WHERE client_id LIKE 'rec-_{s}'"));
    }

    /// <summary>
    /// Five recommendations of the perf-assistant, each expecting scrap down a point: four of copilot-plan 2026.11 — two accepted by
    /// the rule (one came true, one moved too little), one accepted modified by the plant manager (did not move), one rejected — and one of
    /// 2026.10 accepted by the rule whose action was cancelled.
    /// </summary>
    [Fact]
    public async Task Performance_is_exact_on_a_hand_built_history()
    {
        const string s = "-rec-perf";
        await PlanAsync(s);
        var received = app.Clock.GetUtcNow();
        async Task<(Guid Id, JsonElement View)> Recommend(string id, string version, decimal confidence, decimal cost)
        {
            var view = await ReadAsync(await app.As("perf-assistant").PostAsJsonAsync("/recommendations", new
            {
                id, site = "OH-DAYTON", source = new { system = "perf-assistant", model = "copilot-plan", modelVersion = version },
                actions = new[] { Expedite(s, cost) }, expectedEffect = new { kpi = "scrap-rate", change = -1, withinDays = 14 }, confidence,
            }), HttpStatusCode.Created);
            return (view.GetProperty("recommendationId").GetGuid(), view);
        }
        async Task<RecommendedWork> WorkOf(Guid id) => (await _probe.WaitForAsync<RecommendationAccepted>(a => a.RecommendationId == id, "accepted")).Work.Single();
        async Task DoneAsync(RecommendedWork work, double startedAfterHours, decimal? baseline, decimal? best)
        {
            var (actionId, reference) = (Guid.NewGuid(), work.RequestId.ToString());
            await _probe.PublishAsync(new ActionItemStarted(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null, "bo.buyer", received.AddHours(startedAfterHours)));
            await _probe.PublishAsync(new ActionItemVerified(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null, "lee.ops", received.AddDays(1)));
            await _probe.PublishAsync(new ActionClosureAssessed(actionId, "OH-DAYTON", ActionSourceKind.Recommendation, reference, null,
                [new KpiMovementAssessed("scrap-rate", baseline, best, best < baseline)], received.AddDays(1), received.AddDays(15), received.AddDays(15)));
        }

        var (cameTrue, _) = await Recommend($"p1{s}", "2026.11", 0.9m, 1_000m);
        var (tooLittle, _) = await Recommend($"p2{s}", "2026.11", 0.85m, 1_500m);
        var (byPeople, _) = await Recommend($"p3{s}", "2026.11", 0.6m, 1_000m);
        var (rejected, _) = await Recommend($"p4{s}", "2026.11", 0.7m, 3_000m);
        var (cancelled, _) = await Recommend($"p5{s}", "2026.10", 0.95m, 500m);
        await DoneAsync(await WorkOf(cameTrue), 1, 4.0m, 2.8m);
        await DoneAsync(await WorkOf(tooLittle), 3, 4.0m, 3.6m);
        var asked = await _probe.WaitForAsync<RecommendationApprovalNeeded>(n => n.RecommendationId == byPeople, "people decide the unsure one");
        // The plant manager accepts it with a cheaper expedite: accepted modified, and done as changed.
        await _probe.PublishAsync(new ApprovalGranted(Guid.NewGuid(), asked.RequestId, null, "OH-DAYTON", asked.SubjectType, asked.SubjectId, "expedites", 1, "pat.plant", received,
            Amendments: [new ApprovalAmendment(0, false, 800m, null, null, null)]));
        var changed = await WorkOf(byPeople);
        Assert.Contains("accepted with changes by pat.plant", changed.Description);
        var command = await _probe.WaitForAsync<ErpCommandIssued>(c => c.RecommendationId == byPeople, "the ERP is told the changed expedite");
        Assert.Equal(800m, command.Cost);
        Assert.Equal("accepted modified by pat.plant", (await RecommendationAsync(byPeople)).GetProperty("outcome").GetString());
        await DoneAsync(changed, 2, 4.0m, 4.0m);
        var toReject = await _probe.WaitForAsync<RecommendationApprovalNeeded>(n => n.RecommendationId == rejected, "people decide the costly one");
        await _probe.PublishAsync(new ApprovalRejected(Guid.NewGuid(), toReject.RequestId, null, "OH-DAYTON", toReject.SubjectType, toReject.SubjectId, "expedites", 1,
            "pat.plant", "Not worth USD 3,000", received));
        var dropped = await WorkOf(cancelled);
        await _probe.PublishAsync(new ActionItemCancelled(Guid.NewGuid(), "OH-DAYTON", ActionSourceKind.Recommendation, dropped.RequestId.ToString(), null, "PO arrived", received));

        foreach (var id in new[] { cameTrue, tooLittle, byPeople, cancelled })
            await Eventually.TrueAsync(async () => (await RecommendationAsync(id)).TryGetProperty("judgement", out var j) && j.ValueKind == JsonValueKind.Object,
                $"recommendation {id} is judged");
        await Eventually.TrueAsync(async () => (await RecommendationAsync(rejected)).GetProperty("status").GetString() == "rejected", "the costly one is rejected");

        var report = await app.Client.GetFromJsonAsync<JsonElement>(
            $"/recommendations/performance?source=perf-assistant&from={Uri.EscapeDataString(received.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(received.AddHours(1).ToString("O"))}");
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["2026.10", "2026.11", null], rows.Select(r => r.GetProperty("modelVersion").GetString()));
        var latest = rows[1];
        Assert.Equal((4, 3, 2, 1, 1, 1), (I(latest, "received"), I(latest, "accepted"), I(latest, "acceptedByPolicy"), I(latest, "acceptedByPeople"),
            I(latest, "acceptedModified"), I(latest, "rejected")));
        Assert.Equal((0.75m, 1m), (D(latest, "acceptanceRate"), D(latest, "overrideRate")));
        Assert.Equal((3, 1, 0.3333m, 0.7833m, 0.3642m), (I(latest, "judged"), I(latest, "cameTrue"), D(latest, "hitRate"), D(latest, "meanConfidence"), D(latest, "brierScore")));
        Assert.Equal((3, -1m, -0.5333m, 0.5333m), (I(latest, "kpiJudged"), D(latest, "meanExpectedChange"), D(latest, "meanRealisedChange"), D(latest, "meanRealisedToExpected")));
        Assert.Equal((3, "PT2H", "PT3H"), (I(latest, "executed"), latest.GetProperty("timeToExecutionP50").GetString(), latest.GetProperty("timeToExecutionP90").GetString()));
        Assert.Equal([(0, (decimal?)null, (decimal?)null), (1, 0.6m, 0m), (1, 0.85m, 0m), (1, 0.9m, 1m)], latest.GetProperty("calibration").EnumerateArray()
            .Select(b => (I(b, "judged"), N(b, "meanConfidence"), N(b, "observed"))));

        var older = rows[0];
        Assert.Equal((1, 1, 1, 0, (decimal?)null), (I(older, "received"), I(older, "acceptedByPolicy"), I(older, "notExecuted"), I(older, "judged"), N(older, "overrideRate")));
        var total = rows[2];
        Assert.Equal((5, 4, 0.8m, 3), (I(total, "received"), I(total, "accepted"), D(total, "acceptanceRate"), I(total, "judged")));
        Assert.Null(total.GetProperty("sourceSystem").GetString());

        static int I(JsonElement e, string name) => e.GetProperty(name).GetInt32();
        static decimal D(JsonElement e, string name) => e.GetProperty(name).GetDecimal();
        static decimal? N(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDecimal();
    }

    [Fact]
    public async Task Rules_are_versioned_and_readable_and_only_an_admin_sets_them()
    {
        var changed = await ReadAsync(await app.Client.PutAsJsonAsync("/recommendation-policies/OH-DAYTON/add-overtime", new { autoAcceptUpTo = 500, minConfidence = 0.9 }),
            HttpStatusCode.Created);
        Assert.Equal(("recommendation.add-overtime", 1), (changed.GetProperty("rule").GetProperty("subjectType").GetString(), changed.GetProperty("rule").GetProperty("version").GetInt32()));
        var again = await ReadAsync(await app.Client.PutAsJsonAsync("/recommendation-policies/OH-DAYTON/add-overtime", new { autoAcceptUpTo = 800, minConfidence = 0.9 }),
            HttpStatusCode.OK);
        Assert.Equal(2, again.GetProperty("rule").GetProperty("version").GetInt32());

        var rules = await app.Client.GetFromJsonAsync<JsonElement>("/recommendation-policies?site=OH-DAYTON");
        Assert.Contains(rules.EnumerateArray(), r => r.GetProperty("kind").GetString() == "add-overtime" && r.GetProperty("autoAcceptUpTo").GetDecimal() == 800m);

        Assert.Equal(HttpStatusCode.Forbidden,
            (await app.WithScopes("recommendations:write").PutAsJsonAsync("/recommendation-policies/OH-DAYTON/add-overtime", new { autoAcceptUpTo = 99_000 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.PutAsJsonAsync("/recommendation-policies/OH-DAYTON/teleport", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync("/recommendation-policies/OH-DAYTON/add-overtime")).StatusCode);
    }
}
