using System.Net;
using System.Text.Json;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Audit.Tests;

/// <summary>
/// "Why did SO-1001 ship late, who approved the overtime, on what data?" — the DOMAIN.md day through
/// every real service, then asked of the ledger.
/// </summary>
public sealed class PlantDayAuditTests(PlantLoop plant) : IClassFixture<PlantLoop>
{
    private static readonly DateTimeOffset Monday = Feed.Monday.Date;

    private static object Event(string id, string type, string subject, DateTimeOffset at, object data) =>
        new { specversion = "1.0", id, source = "sap-oh", type, site = PlantLoop.Site, subject, time = at, data };

    [Fact]
    public async Task The_ledger_answers_the_auditor_for_SO_1001_with_the_whole_chain_in_causal_order_and_it_verifies()
    {
        // 06:00–09:05 — the plan, then CNC-4 goes down.
        await PlantLoop.SendAsync(plant.Exceptions, HttpMethod.Post, "/events", new object[]
        {
            Event("so", "SalesOrderConfirmed", "sales-order/SO-1001", Monday.AddHours(6.1),
                new { orderId = "SO-1001", customer = "Acme Axles", item = "AXLE-40", quantity = 400, promiseDate = Monday.AddDays(4), value = 48_000, currency = "USD" }),
            Event("rcv", "MaterialReceived", "lot/L-5521", Monday.AddHours(6), new { purchaseOrderId = "PO-88", lotId = "L-5521", item = "BAR-STOCK", quantity = 1200 }),
            Event("pr77", "ProductionOrderReleased", "production-order/PR-77", Monday.AddHours(6.3), new
            {
                orderId = "PR-77", salesOrderId = "SO-1001", item = "AXLE-40", quantity = 400, workCenter = "CNC-4", due = Monday.AddDays(3),
                materials = new[] { new { item = "BAR-STOCK", quantity = 400, lotId = "L-5521" } },
            }),
            Event("sh900", "ShipmentPlanned", "shipment/SH-900", Monday.AddHours(8), new
            {
                shipmentId = "SH-900", salesOrderIds = new[] { "SO-1001" }, lotIds = Array.Empty<string>(), carrier = "FastFreight", plannedDate = Monday.AddDays(4),
            }),
        }, HttpStatusCode.Accepted);
        await PlantLoop.SendAsync(plant.Exceptions, HttpMethod.Post, "/events", new object[]
        {
            new { specversion = "1.0", id = "cnc4-down", source = "mes-cnc", type = "MachineStateChanged", site = PlantLoop.Site, subject = "work-center/CNC-4",
                time = Monday.AddHours(9).AddMinutes(5), data = new { workCenter = "CNC-4", state = "down", reasonCode = "SP-101", reason = "spindle fault" } },
        }, HttpStatusCode.Accepted);

        var caseId = await WaitForCaseAsync();
        var correlation = $"case-{caseId}";

        // 09:06 — planning asks for Saturday overtime through the case; nobody answers the plant manager for four hours.
        plant.Clock.Set(Monday.AddHours(9).AddMinutes(6));
        await PlantLoop.SendAsync(plant.Exceptions, HttpMethod.Post, $"/exceptions/{caseId}/approval-requests", new
        {
            requestId = Guid.NewGuid(), subjectType = "overtime", subjectId = "OH-DAYTON/2026-11-28", amount = 18_000m, currency = "USD",
            reason = "Saturday shift to recover the CNC-4 backlog",
        }, actor: PlantLoop.Planner);
        var toPlantManager = await plant.Bridge.WaitForAsync(w => w.Type == "approval.requested", "the plant manager's notice");
        var approvalId = toPlantManager.Data.GetProperty("approvalId").GetGuid();
        plant.Clock.Set(Monday.AddHours(13).AddMinutes(7));
        var toDirector = await plant.Bridge.WaitForAsync(w => w.Type == "approval.escalated", "the director's notice", TimeSpan.FromSeconds(30));
        plant.Clock.Set(Monday.AddHours(13).AddMinutes(40));
        var token = toDirector.Data.GetProperty("actions").GetProperty("approve").GetProperty("token").GetString();
        await PlantLoop.SendAsync(plant.Approvals, HttpMethod.Post, "/decisions", new { token, comment = "Approved to protect SO-1001" });

        // Maintenance fixes the spindle; the quality lead verifies the closure.
        var maintenance = await WaitForAsync(async () =>
        {
            var list = await PlantLoop.GetAsync(plant.Actions, $"/actions?site={PlantLoop.Site}&owner={PlantLoop.MaintLead}");
            return (list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items")).EnumerateArray().Select(a => a.GetProperty("actionId").GetGuid()).Cast<Guid?>().FirstOrDefault();
        }, "the maintenance action");
        await PlantLoop.SendAsync(plant.Actions, HttpMethod.Post, $"/actions/{maintenance}/claim", new { text = "Spindle bearing replaced, WO-5521" }, actor: PlantLoop.MaintLead);
        await PlantLoop.SendAsync(plant.Actions, HttpMethod.Post, $"/actions/{maintenance}/verify", new { }, actor: PlantLoop.QualityLead);

        // The auditor's question, once every service's part — the last are the closure and the case hearing of the grant — has reached the ledger.
        string[] chain =
        [
            "intake.operational-event-received", "exceptions.case-opened", "exceptions.impact-assessed", "exceptions.case-routed", "exceptions.approval-requested",
            "approvals.approval-requested", "approvals.stage-escalated", "approvals.decision-recorded", "approvals.approval-granted", "exceptions.approval-decided",
            "actions.action-created", "actions.completion-claimed", "actions.closure-verified",
        ];

        List<JsonElement> timeline = [];
        List<string> types = [];
        await Eventually.TrueAsync(async () =>
        {
            timeline = (await Ledger("/audit/timeline?subject=sales-order/SO-1001")).GetProperty("entries").EnumerateArray().ToList();
            types = timeline.Select(e => e.GetProperty("eventType").GetString()!).ToList();
            return chain.All(types.Contains);
        }, "the whole chain in the ledger", TimeSpan.FromSeconds(30));

        foreach (var type in chain) Assert.Contains(type, types);
        Assert.True(IndexOf(types, "exceptions.case-opened") < IndexOf(types, "approvals.approval-requested"));
        Assert.True(IndexOf(types, "approvals.stage-escalated") < IndexOf(types, "approvals.decision-recorded"));
        Assert.True(IndexOf(types, "approvals.approval-granted") < IndexOf(types, "exceptions.approval-decided"));
        Assert.True(IndexOf(types, "actions.completion-claimed") < IndexOf(types, "actions.closure-verified"));

        // Causal order: every cause the ledger names is listed before what it caused; the MES report opened the case.
        var position = timeline.Select((e, i) => (Sequence: e.GetProperty("sequence").GetInt64(), i)).ToDictionary(p => p.Sequence, p => p.i);
        foreach (var (entry, i) in timeline.Select((e, i) => (e, i)))
            if (entry.GetProperty("causedBy").ValueKind == JsonValueKind.Number) Assert.True(position[entry.GetProperty("causedBy").GetInt64()] < i);
        var opened = timeline.Single(e => e.GetProperty("eventType").GetString() == "exceptions.case-opened");
        var cause = timeline.Single(e => e.GetProperty("sequence").GetInt64() == opened.GetProperty("causedBy").GetInt64());
        Assert.Equal("work-center/CNC-4", cause.GetProperty("payload").GetProperty("subject").GetString());
        var approvalAsked = timeline.Single(e => e.GetProperty("eventType").GetString() == "approvals.approval-requested");
        Assert.Equal("exceptions.approval-requested", timeline.Single(e => e.GetProperty("sequence").GetInt64() == approvalAsked.GetProperty("causedBy").GetInt64())
            .GetProperty("eventType").GetString());
        Assert.DoesNotContain(timeline, e => e.GetProperty("eventType").GetString() == "intake.operational-event-received"
            && e.GetProperty("payload").GetProperty("subject").GetString() == "lot/L-5521");

        // Who approved the overtime, under which policy, on what data.
        var decisions = await Ledger($"/audit/decisions?approvalId={approvalId}");
        var decision = decisions.GetProperty("decisions").EnumerateArray().Single();
        Assert.Equal((PlantLoop.Director, "approve", true), (decision.GetProperty("decidedBy").GetString(), decision.GetProperty("verdict").GetString(),
            decision.GetProperty("reachedThroughEscalation").GetBoolean()));
        Assert.Equal(("overtime", 1), (decisions.GetProperty("policy").GetProperty("id").GetString(), decisions.GetProperty("policy").GetProperty("version").GetInt32()));
        var shown = (await PlantLoop.GetAsync(plant.Approvals, $"/approvals/{approvalId}")).GetProperty("state").GetProperty("decisionContext");
        Assert.Equal(Audit.Ledger.CanonicalJson.Canonicalize(shown.GetRawText()), Audit.Ledger.CanonicalJson.Canonicalize(decisions.GetProperty("decisionContext").GetRawText()));
        Assert.Contains("SO-1001", decisions.GetProperty("decisionContext").GetRawText(), StringComparison.Ordinal);

        // The approval as its own store rebuilds it, before and after the decision, beside the ledger's entries up to then.
        var decidedAt = timeline.Single(e => e.GetProperty("eventType").GetString() == "approvals.decision-recorded").GetProperty("sourceRecordedAt").GetDateTimeOffset();
        var before = await Ledger($"/audit/state/approval/{approvalId}?asOf={Uri.EscapeDataString(decidedAt.AddTicks(-10).ToString("O"))}");
        var after = await Ledger($"/audit/state/approval/{approvalId}?asOf={Uri.EscapeDataString(decidedAt.ToString("O"))}");
        Assert.Equal("pending", before.GetProperty("owningService").GetProperty("history").GetProperty("state").GetProperty("status").GetString());
        Assert.Equal("granted", after.GetProperty("owningService").GetProperty("history").GetProperty("state").GetProperty("status").GetString());
        Assert.True(after.GetProperty("ledger").GetArrayLength() > before.GetProperty("ledger").GetArrayLength());
        Assert.DoesNotContain(before.GetProperty("ledger").EnumerateArray(), e => e.GetProperty("eventType").GetString() == "approvals.decision-recorded");

        // Nothing lost between the services and the ledger, nothing rewritten in it.
        var completeness = await Ledger("/audit/completeness");
        Assert.True(completeness.GetProperty("complete").GetBoolean(), completeness.ToString());
        Assert.Equal(["actions", "approvals", "exceptions"], completeness.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("source").GetString()));
        Assert.True((await Ledger("/audit/verify")).GetProperty("ok").GetBoolean());
        var export = (await plant.Audit.GetStringAsync($"/audit/export?correlationId={correlation}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = new Dictionary<string, System.Security.Cryptography.ECDsa> { [Audit.Ledger.KeyIds.Of(plant.SigningKey)] = plant.SigningKey };
        var offline = Audit.Ledger.ExportVerifier.Verify(export, keys);
        Assert.True(offline.Ok, offline.Problem?.Reason);
        Assert.True(offline.Entries >= 10);
    }

    private Task<JsonElement> Ledger(string path) => PlantLoop.GetAsync(plant.Audit, path);

    private static int IndexOf(List<string> types, string type) => types.IndexOf(type);

    private async Task<Guid> WaitForCaseAsync() => await WaitForAsync(async () =>
    {
        var cases = await PlantLoop.GetAsync(plant.Exceptions, $"/exceptions?site={PlantLoop.Site}&kind=MachineDown");
        return cases.EnumerateArray().Select(c => Guid.Parse(c.GetProperty("caseId").GetString()!)).Cast<Guid?>().FirstOrDefault();
    }, "the CNC-4 case");

    private static async Task<Guid> WaitForAsync(Func<Task<Guid?>> find, string what)
    {
        Guid? found = null;
        await Eventually.TrueAsync(async () => (found = await find()) is not null, what, TimeSpan.FromSeconds(30));
        return found!.Value;
    }
}
