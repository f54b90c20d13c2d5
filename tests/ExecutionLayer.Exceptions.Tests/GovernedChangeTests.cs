using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Changes;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Exceptions.Governing;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// Dayton governs SO promise dates: a slip of up to a day is the planner's to make, anything later goes to the promise-date-change
/// policy, and a date the ERP moves with no grant behind it is an exception for the customer-service lead. Through the real service
/// and RabbitMQ: the probe stands in for the approvals service and listens for what the ERP is told.
/// </summary>
public sealed class GovernedChangeTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private const string CustomerServiceLead = "cs.lead";
    private BusProbe _probe = null!;

    public async Task InitializeAsync()
    {
        _probe = await new BusProbe(app.Bus).Listen<ChangeApprovalNeeded>().Listen<ChangeApproved>().Listen<ActionRequested>().Listen<ExceptionCaseResolved>().StartAsync();
        var governed = await app.Client.PutAsJsonAsync("/governed-fields/OH-DAYTON/sales-order/promise-date",
            new { ownerRole = "customer-service-lead", subjectType = "promise-date-change", freeUpTo = 1 });
        Assert.True(governed.IsSuccessStatusCode, await governed.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    private static string Date(DateTimeOffset at) => GovernableField.DateValue(at);

    private static object PromiseMoved(string suffix, string id, DateTimeOffset promise) =>
        PlantDay.Event($"so{suffix}-{id}", "sap-oh", "SalesOrderConfirmed", $"sales-order/SO-1001{suffix}", PlantDay.Monday.AddHours(11),
            new { orderId = $"SO-1001{suffix}", customer = "Acme Axles", item = "AXLE-40", quantity = 400, promiseDate = promise, value = 48_000, currency = "USD" });

    private Task<HttpResponseMessage> AskAsync(string suffix, DateTimeOffset from, DateTimeOffset to, Guid? requestId = null, string field = "promise-date") =>
        app.As(CustomerServiceLead).PostAsJsonAsync("/changes", new
        {
            requestId = requestId ?? Guid.NewGuid(), site = "OH-DAYTON", entity = "sales-order", entityId = $"SO-1001{suffix}", field,
            from = Date(from), to = Date(to), reason = "Acme agreed to take SO-1001 after the CNC-4 repair",
        });

    private async Task<JsonElement> ChangeAsync(string changeId) => await app.Client.GetFromJsonAsync<JsonElement>($"/changes/{changeId}");

    [Fact]
    public async Task A_promise_date_three_days_later_waits_for_its_decision_and_once_granted_the_ERP_is_told_and_applies_it()
    {
        const string s = "-slip3";
        await app.PostEventsAsync(PlantDay.Plan(s));
        // CNC-4 is down: its case watches SO-1001 and holds up its promise.
        await app.PostEventsAsync(PlantDay.CncDown(s));
        var machineCase = (await app.WaitForCaseAsync("MachineDown", s, "responding")).GetProperty("caseId").GetString()!;
        var later = PlantDay.Friday.AddDays(3);

        var asked = await AskAsync(s, PlantDay.Friday, later);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var change = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("pending", "promise-date-change", 3m), (change.GetProperty("status").GetString(), change.GetProperty("subjectType").GetString(), change.GetProperty("size").GetDecimal()));
        var changeId = change.GetProperty("changeId").GetGuid();

        // The approvals service is asked, with what the order touches.
        var needed = await _probe.WaitForAsync<ChangeApprovalNeeded>(n => n.ChangeId == changeId, "the change's approval is asked for");
        Assert.Equal(("promise-date-change", CustomerServiceLead, 3m), (needed.SubjectType, needed.Requester, needed.Context.Size));
        Assert.Equal([$"SO-1001{s}"], needed.Context.Commitments.Select(c => c.SalesOrderId));
        Assert.Equal([$"PR-77{s}", $"PR-78{s}"], needed.Context.ProductionOrders);

        var approvalId = Guid.NewGuid();
        await _probe.PublishAsync(new ApprovalGranted(approvalId, needed.RequestId, $"change-{changeId}", "OH-DAYTON", needed.SubjectType, needed.SubjectId,
            "promise-date-change", 1, "pat.plant", PlantDay.Monday.AddHours(14)));
        var approved = await _probe.WaitForAsync<ChangeApproved>(a => a.ChangeId == changeId, "the ERP is told to apply the change");
        Assert.Equal((Date(PlantDay.Friday), Date(later), "pat.plant", approvalId), (approved.From, approved.To, approved.ApprovedBy, approved.ApprovalId));

        // The plan of record moved at once: the order's promise in the graph is the granted one, and the case watching it re-assessed with it.
        var order = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/orders/SO-1001{s}");
        Assert.Equal(later, order.GetProperty("salesOrder").GetProperty("promiseDate").GetDateTimeOffset());
        await Eventually.TrueAsync(async () => (await app.CaseAsync(machineCase)).GetProperty("state").GetProperty("impact").GetProperty("commitments")[0]
            .GetProperty("promiseDate").GetDateTimeOffset() == later, "the CNC-4 case holds up the new promise");

        // The ERP applies it and reports it: the change is done, and nothing is an exception.
        await app.PostEventsAsync(PromiseMoved(s, "applied", later));
        await Eventually.TrueAsync(async () => (await ChangeAsync(changeId.ToString())).GetProperty("status").GetString() == "applied", "the change is applied");
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM exceptions.case_index WHERE kind = 'UngovernedChange' AND trigger_key LIKE '%SO-1001{s}'"));
    }

    [Fact]
    public async Task A_one_day_slip_is_within_the_policy_and_granted_at_once()
    {
        const string s = "-slip1";
        await app.PostEventsAsync(PlantDay.Plan(s));
        var asked = await AskAsync(s, PlantDay.Friday, PlantDay.Friday.AddDays(1));
        var change = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("granted", change.GetProperty("status").GetString());
        var changeId = change.GetProperty("changeId").GetGuid();
        var approved = await _probe.WaitForAsync<ChangeApproved>(a => a.ChangeId == changeId, "the ERP is told");
        Assert.Equal(("exceptions:field-policy", null), (approved.ApprovedBy, approved.ApprovalId));
        Assert.DoesNotContain(_probe.Received<ChangeApprovalNeeded>(), n => n.ChangeId == changeId);
    }

    [Fact]
    public async Task A_promise_date_the_ERP_moves_with_no_grant_is_an_exception_for_the_customer_service_lead_until_it_is_put_back()
    {
        const string s = "-ungoverned";
        await app.PostEventsAsync(PlantDay.Plan(s));
        // A day later is the planner's to make: no exception.
        await app.PostEventsAsync(PromiseMoved(s, "plus1", PlantDay.Friday.AddDays(1)));
        // Five days later, re-sent by the ERP with nothing granted behind it.
        await app.PostEventsAsync(PromiseMoved(s, "plus6", PlantDay.Friday.AddDays(6)));

        var found = await app.WaitForCaseAsync("UngovernedChange", s, "responding");
        var state = found.GetProperty("state");
        Assert.Contains($"sales-order.promise-date of SO-1001{s} changed from {Date(PlantDay.Friday.AddDays(1))} to {Date(PlantDay.Friday.AddDays(6))}",
            state.GetProperty("summary").GetString());
        var caseId = found.GetProperty("caseId").GetGuid();
        var routed = await _probe.WaitForAsync<ActionRequested>(r => r.CaseId == caseId, "the field's owner is asked to act");
        Assert.Equal(("sales-order.promise-date", "customer-service-lead"), (routed.Function, routed.OwnerRole));
        // Recorded as the service's events are, which the audit ledger chains: opened by the intake event that reported it.
        Assert.Equal("exceptions.case-opened", found.GetProperty("timeline")[0].GetProperty("type").GetString());

        // A change asked from the governed value is still the way: the governed value did not move.
        Assert.Equal(HttpStatusCode.Conflict, (await AskAsync(s, PlantDay.Friday.AddDays(6), PlantDay.Friday.AddDays(7))).StatusCode);

        // The ERP puts the governed date back: the exception clears.
        await app.PostEventsAsync(PromiseMoved(s, "back", PlantDay.Friday.AddDays(1)));
        await _probe.WaitForAsync<ExceptionCaseResolved>(r => r.CaseId == caseId, "the ungoverned change is resolved");
    }

    [Fact]
    public async Task A_change_from_a_value_that_moved_twice_pending_or_to_an_ungoverned_field_is_refused_plainly()
    {
        const string s = "-refused";
        await app.PostEventsAsync(PlantDay.Plan(s));

        var stale = await AskAsync(s, PlantDay.Friday.AddDays(-1), PlantDay.Friday.AddDays(4));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("stale-from", Date(PlantDay.Friday)), (problem.GetProperty("rule").GetString(), problem.GetProperty("current").GetString()));

        Assert.Equal(HttpStatusCode.Created, (await AskAsync(s, PlantDay.Friday, PlantDay.Friday.AddDays(4))).StatusCode);
        var twice = await AskAsync(s, PlantDay.Friday, PlantDay.Friday.AddDays(5));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("change-pending", (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await AskAsync("-never-reported", PlantDay.Friday, PlantDay.Friday.AddDays(4))).StatusCode);
        var carrier = await app.As(CustomerServiceLead).PostAsJsonAsync("/changes", new
        {
            site = "OH-DAYTON", entity = "shipment", entityId = $"SH-900{s}", field = "carrier", from = "FastFreight", to = "SlowBoat", reason = "cheaper",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, carrier.StatusCode);
        Assert.Equal("not-governed", (await carrier.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        var nonsense = await app.As(CustomerServiceLead).PostAsJsonAsync("/changes", new
        {
            site = "OH-DAYTON", entity = "sales-order", entityId = $"SO-1001{s}", field = "colour", from = "red", to = "blue", reason = "why not",
        });
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Contains("sales-order.promise-date", await nonsense.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Which_fields_are_governed_is_an_admins_to_say_and_anyones_to_read()
    {
        var notAdmin = await app.WithScopes("approvals:write", "exceptions:read").PutAsJsonAsync("/governed-fields/OH-DAYTON/shipment/carrier",
            new { ownerRole = "logistics-coordinator", subjectType = "carrier-change" });
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var freeCarrier = await app.Client.PutAsJsonAsync("/governed-fields/OH-DAYTON/shipment/carrier",
            new { ownerRole = "logistics-coordinator", subjectType = "carrier-change", freeUpTo = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, freeCarrier.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.PutAsJsonAsync("/governed-fields/OH-NOWHERE/sales-order/promise-date",
            new { ownerRole = "x", subjectType = "y" })).StatusCode);

        var listed = await app.As(CustomerServiceLead).GetFromJsonAsync<JsonElement>("/governed-fields?site=OH-DAYTON");
        var promise = listed.EnumerateArray().Single(f => f.GetProperty("field").GetString() == "promise-date");
        Assert.Equal(("customer-service-lead", "promise-date-change", 1m),
            (promise.GetProperty("ownerRole").GetString(), promise.GetProperty("subjectType").GetString(), promise.GetProperty("freeUpTo").GetDecimal()));
    }
}
