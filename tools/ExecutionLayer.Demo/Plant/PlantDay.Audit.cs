using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Demo.Plant;

public sealed partial class PlantDay
{
    /// <summary>The ledger entries the auditor's answer needs, ERP event to closure.</summary>
    public static readonly string[] Chain =
    [
        "intake.operational-event-received", "exceptions.case-opened", "exceptions.impact-assessed", "exceptions.case-routed", "exceptions.approval-requested",
        "approvals.approval-requested", "approvals.stage-escalated", "approvals.decision-recorded", "approvals.approval-granted", "exceptions.approval-decided",
        "actions.action-created", "actions.completion-claimed", "actions.closure-verified",
    ];

    /// <summary>"Why did SO-1001 ship late, who approved the overtime, on what data?" — answered from the ledger, then verified.</summary>
    private async Task AnswerTheAuditorAsync(CancellationToken ct)
    {
        narrator.Step(await clock.NowAsync(ct), "An auditor asks: why did SO-1001 ship late, who approved the overtime, on what data?");
        _record.Timeline = (await narrator.WhileAsync("audit: waiting for every service's part to reach the ledger",
            () => Waiting.UntilAsync("the whole chain in the ledger", async () =>
            {
                var timeline = await cast.Auditor.GetAsync("/api/audit/timeline?subject=sales-order/SO-1001", ct);
                var types = timeline.Items("entries").Select(e => e.Text("eventType")).ToHashSet();
                return Chain.All(types.Contains) ? timeline : null;
            }, ct)));
        narrator.Table(["#", "plant time", "event", "by", "caused by"], _record.Timeline.Items("entries").Select(e => new[]
        {
            e.At("sequence").ToString(), e.At("occurredAt").GetDateTimeOffset().ToString("ddd HH:mm"), e.Text("eventType"), e.Text("actor"),
            e.At("causedBy").ValueKind == JsonValueKind.Number ? $"#{e.At("causedBy")}" : "",
        }));

        _record.Decisions = await cast.Auditor.GetAsync($"/api/audit/decisions?approvalId={_record.OvertimeApprovalId}", ct);
        foreach (var decision in _record.Decisions.Items("decisions"))
            narrator.Fact($"overtime decided by {decision.Text("decidedBy")} ({decision.Text("verdict")}, reached through escalation: {decision.At("reachedThroughEscalation")}) " +
                          $"under policy {_record.Decisions.Text("policy.id")} v{_record.Decisions.At("policy.version")}, on: {ContextLine(_record.Decisions.At("decisionContext"))}");

        _record.Verification = await cast.Auditor.GetAsync("/api/audit/verify", ct);
        _record.Completeness = await cast.Auditor.GetAsync("/api/audit/completeness", ct);
        narrator.Fact($"/audit/verify: ok = {_record.Verification.At("ok")}; /audit/completeness: complete = {_record.Completeness.At("complete")} " +
                      $"({string.Join(", ", _record.Completeness.Items("sources").Select(s => s.Text("source")))})");

        // The export the auditor takes away, checked offline against the ledger's published keys only.
        var text = await cast.Auditor.GetTextAsync($"/api/audit/export?correlationId=case-{_record.MachineCaseId}", ct);
        _record.Export = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = await cast.Auditor.GetAsync("/api/audit/keys", ct);
        var pem = string.Join("\n", keys.Items("keys").Select(k => k.Text("publicKeyPem")));
        _record.ExportVerification = ExportVerifier.Verify(_record.Export, ExportVerifier.KeysFromPem(pem));
        var result = _record.ExportVerification;
        narrator.Fact(result.Ok
            ? $"export of case-{_record.MachineCaseId} verified offline: {result.Entries} entries, {result.Links} withheld links, {result.Checkpoints} signed checkpoint(s)"
            : $"export did NOT verify: line {result.Problem!.Line}: {result.Problem.Reason}");
    }

    /// <summary>Whether the day ended with the verified answer the demo promises.</summary>
    public static bool Verified(PlantDayRecord record) =>
        record.Verification.At("ok").ValueKind == JsonValueKind.True && record.Completeness.At("complete").ValueKind == JsonValueKind.True
        && record.ExportVerification is { Ok: true };
}
