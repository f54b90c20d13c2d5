using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// A case moved on by what the other services do, through real RabbitMQ: the probe publishes what the
/// actions and approvals services would, and listens for what this service asks of them.
/// </summary>
public sealed class CaseLifecycleTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private BusProbe _probe = null!;

    public async Task InitializeAsync() => _probe = await new BusProbe(app.Bus)
        .Listen<ActionRequested>().Listen<ApprovalNeeded>().Listen<ExceptionCaseResolved>().Listen<ExceptionCaseClosed>().StartAsync();

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private async Task<JsonElement> WaitForStateAsync(string caseId, Func<JsonElement, bool> condition, string what)
    {
        JsonElement state = default;
        await Eventually.TrueAsync(async () => condition(state = (await app.CaseAsync(caseId)).GetProperty("state")), what);
        return state;
    }

    [Fact]
    public async Task CNC_4_down_runs_from_routing_through_overtime_approval_and_verified_actions_to_a_closed_case()
    {
        const string s = "-loop";
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var found = await app.WaitForCaseAsync("MachineDown", s, "responding");
        var caseId = Guid.Parse(found.GetProperty("caseId").GetString()!);

        // The actions service is asked once per routed function, and answers with the action it created.
        var requests = new List<ActionRequested>();
        await Eventually.TrueAsync(() => (requests = [.. _probe.Received<ActionRequested>().Where(r => r.CaseId == caseId)]).Count == 3, "three action requests");
        foreach (var request in requests)
        {
            var created = new ActionItemCreated(Guid.NewGuid(), "OH-DAYTON", ActionSourceKind.Exception, request.RequestId.ToString(), $"case-{caseId}",
                request.Title, $"{request.Function}.owner", PlantDay.Friday, PlantDay.Monday.AddHours(9).AddMinutes(6));
            var messageId = Guid.NewGuid();
            await _probe.PublishAsync(created, messageId);
            await _probe.PublishAsync(created, messageId); // redelivered
        }
        var state = await WaitForStateAsync(caseId.ToString(), st => st.GetProperty("actions").EnumerateArray().All(a => a.GetProperty("status").GetString() == "open"),
            "every action is linked");
        Assert.Equal(3, state.GetProperty("actions").GetArrayLength());

        // Planning asks for Saturday overtime; the approvals service gets the case's impact as the decision context.
        var overtime = Guid.NewGuid();
        var posted = await app.As("planner.pat").PostAsJsonAsync($"/exceptions/{caseId}/approval-requests", new
        {
            requestId = overtime, subjectType = "overtime", subjectId = "OH-DAYTON/2026-11-28", amount = 18_000, currency = "USD",
            reason = "Saturday shift to recover PR-77",
        });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var needed = await _probe.WaitForAsync<ApprovalNeeded>(n => n.RequestId == overtime, "the overtime approval is asked for");
        Assert.Equal(($"PR-77{s}", $"SH-900{s}", $"SO-1001{s}", 48_000m), (needed.Context.ProductionOrders.Single(), needed.Context.Shipments.Single(),
            needed.Context.Commitments.Single().SalesOrderId, needed.Context.ValueAtRisk));
        Assert.Equal((18_000m, "USD", "planner.pat"), (needed.Amount, needed.Currency, needed.Requester));

        await _probe.PublishAsync(new ApprovalGranted(Guid.NewGuid(), overtime, $"case-{caseId}", "OH-DAYTON", "overtime", "OH-DAYTON/2026-11-28", "overtime", 1,
            "director.dana", PlantDay.Monday.AddHours(13).AddMinutes(40)));
        await WaitForStateAsync(caseId.ToString(), st => st.GetProperty("approvals")[0].GetProperty("outcome").GetString() == "granted", "the grant is on the case");

        // The machine comes back: resolved, but actions are still open, so not closed.
        await app.PostEventsAsync(PlantDay.Event($"cnc4-up{s}", "mes-cnc", "MachineStateChanged", $"work-center/CNC-4{s}", PlantDay.Monday.AddHours(15),
            new { workCenter = $"CNC-4{s}", state = "running" }));
        await _probe.WaitForAsync<ExceptionCaseResolved>(r => r.CaseId == caseId, "the case is resolved");
        Assert.Equal("resolved", (await app.CaseAsync(caseId.ToString())).GetProperty("state").GetProperty("status").GetString());

        foreach (var action in state.GetProperty("actions").EnumerateArray())
            await _probe.PublishAsync(new ActionItemVerified(action.GetProperty("actionId").GetGuid(), "OH-DAYTON", ActionSourceKind.Exception,
                action.GetProperty("requestId").GetString()!, $"case-{caseId}", "quality.lead", PlantDay.Friday));
        await _probe.WaitForAsync<ExceptionCaseClosed>(c => c.CaseId == caseId, "the case is closed");

        var timeline = (await app.CaseAsync(caseId.ToString())).GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToArray();
        Assert.Equal(3, timeline.Count(t => t == "exceptions.action-linked")); // the redelivered creations added nothing
        Assert.Equal(["exceptions.case-resolved", "exceptions.action-closed", "exceptions.action-closed", "exceptions.action-closed", "exceptions.case-closed"],
            timeline.SkipWhile(t => t != "exceptions.case-resolved"));
    }

    [Fact]
    public async Task Actions_from_meetings_and_approvals_of_other_requesters_leave_cases_alone()
    {
        const string s = "-foreign";
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var caseId = (await app.WaitForCaseAsync("MachineDown", s, "responding")).GetProperty("caseId").GetString()!;
        var versionBefore = (await app.CaseAsync(caseId)).GetProperty("version").GetInt64();

        await _probe.PublishAsync(new ActionItemVerified(Guid.NewGuid(), "OH-DAYTON", ActionSourceKind.Meeting, "weekly-ops/2026-11-27", null, "qa", PlantDay.Friday));
        await _probe.PublishAsync(new ApprovalGranted(Guid.NewGuid(), Guid.NewGuid(), null, "OH-DAYTON", "purchase-order", "PO-1", "po", 1, "buyer", PlantDay.Friday));
        // A message published after the foreign ones, that does touch the case, proves they were consumed first.
        var up = PlantDay.Event($"cnc4-up{s}", "mes-cnc", "MachineStateChanged", $"work-center/CNC-4{s}", PlantDay.Monday.AddHours(15), new { workCenter = $"CNC-4{s}", state = "running" });
        await app.PostEventsAsync(up);
        await _probe.WaitForAsync<ExceptionCaseResolved>(r => r.CaseId.ToString() == caseId, "the case is resolved");
        var types = (await app.CaseAsync(caseId)).GetProperty("timeline").EnumerateArray().Skip((int)versionBefore).Select(e => e.GetProperty("type").GetString());
        Assert.DoesNotContain("exceptions.action-closed", types);
        Assert.DoesNotContain("exceptions.approval-decided", types);
    }

    [Fact]
    public async Task An_approval_request_for_an_unknown_case_is_404_and_a_bad_one_400()
    {
        var unknown = await app.Client.PostAsJsonAsync($"/exceptions/{Guid.NewGuid()}/approval-requests",
            new { requestId = Guid.NewGuid(), subjectType = "overtime", reason = "r" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var invalid = await app.Client.PostAsJsonAsync($"/exceptions/{Guid.NewGuid()}/approval-requests",
            new { requestId = Guid.Empty, subjectType = "", reason = "r", currency = "DOLLARS" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("requestId", out _) && errors.TryGetProperty("subjectType", out _) && errors.TryGetProperty("currency", out _));
    }

    [Fact]
    public async Task A_released_hold_resolves_its_case_and_unblocks_what_it_blocked()
    {
        const string s = "-release";
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.HoldOnBarStock(s));
        var caseId = Guid.Parse((await app.WaitForCaseAsync("QualityHold", s, "responding")).GetProperty("caseId").GetString()!);
        await app.PostEventsAsync(PlantDay.Event($"release{s}", "mes-qms", "QualityHoldReleased", $"lot/L-5521{s}", PlantDay.Monday.AddHours(14),
            new { holdId = $"QH-1{s}", lotId = $"L-5521{s}" }));

        var resolved = await _probe.WaitForAsync<ExceptionCaseResolved>(r => r.CaseId == caseId, "the hold case is resolved");
        Assert.Equal("hold released", resolved.Reason);
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.production_orders WHERE blocked_by_hold = 'QH-1{s}'"));
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.shipments WHERE blocked_by_hold = 'QH-1{s}'"));
    }

    [Fact]
    public async Task A_supplier_delay_that_pushes_PR_78_past_Friday_puts_SO_1001s_promise_at_risk_until_a_better_ETA_arrives()
    {
        const string s = "-promise";
        await app.PostEventsAsync(PlantDay.Plan(s));
        await app.PostEventsAsync(PlantDay.BearingsNeededAndOrdered(s, $"PO-93{s}"));
        await app.PostEventsAsync(PlantDay.Event($"late{s}", "sap-oh", "SupplierDeliveryDelayed", $"purchase-order/PO-93{s}", PlantDay.Monday.AddHours(11),
            new { purchaseOrderId = $"PO-93{s}", newEta = PlantDay.Monday.AddDays(5), reason = "supplier fire" }));

        var atRisk = await app.WaitForCaseAsync("PromiseAtRisk", s, "responding");
        var impact = atRisk.GetProperty("state").GetProperty("impact");
        Assert.Equal([$"PR-77{s}", $"PR-78{s}"], Strings(impact.GetProperty("productionOrders")));
        Assert.Equal([$"SH-900{s}"], Strings(impact.GetProperty("shipments")));
        Assert.Contains("customer-service", atRisk.GetProperty("state").GetProperty("routedTo").EnumerateArray().Select(f => f.GetProperty("function").GetString()));

        await app.PostEventsAsync(PlantDay.Event($"better{s}", "sap-oh", "SupplierDeliveryDelayed", $"purchase-order/PO-93{s}", PlantDay.Monday.AddHours(12),
            new { purchaseOrderId = $"PO-93{s}", newEta = PlantDay.Monday.AddDays(1), reason = "air freight" }));
        var caseId = Guid.Parse(atRisk.GetProperty("caseId").GetString()!);
        Assert.Equal("promise date reachable again", (await _probe.WaitForAsync<ExceptionCaseResolved>(r => r.CaseId == caseId, "the promise case is resolved")).Reason);
    }
}
