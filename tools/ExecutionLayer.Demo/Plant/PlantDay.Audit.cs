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
        var audit = cast.Auditor.Api.Audit;
        _record.Timeline = await narrator.WhileAsync("audit: waiting for every service's part to reach the ledger",
            () => Waiting.UntilAsync("the whole chain in the ledger", async () =>
            {
                var timeline = (await audit.Timeline.GetAsync(q => q.QueryParameters.Subject = "sales-order/SO-1001", ct))!;
                var types = (timeline.Entries ?? []).Select(e => e.EventType).ToHashSet();
                return Chain.All(types.Contains) ? timeline : null;
            }, ct));
        narrator.Table(["#", "plant time", "event", "by", "caused by"], _record.Timeline.Entries!.Select(e => new[]
        {
            $"{e.Sequence}", $"{e.OccurredAt:ddd HH:mm}", e.EventType ?? "", e.Actor ?? "", e.CausedBy is { } cause ? $"#{cause}" : "",
        }));
        _record.Decisions = (await audit.Decisions.GetAsync(q => q.QueryParameters.ApprovalId = _record.OvertimeApprovalId, ct))!;
        foreach (var decision in _record.Decisions.Decisions ?? [])
            narrator.Fact($"overtime decided by {decision.DecidedBy} ({decision.Verdict}, reached through escalation: {decision.ReachedThroughEscalation}) " +
                          $"under policy {_record.Decisions.Policy?.Id} v{_record.Decisions.Policy?.Version}, on: {ContextLine(_record.Decisions.DecisionContext.AsJson())}");
        _record.Verification = (await audit.Verify.GetAsync(cancellationToken: ct))!;
        _record.Completeness = (await audit.Completeness.GetAsync(cancellationToken: ct))!;
        narrator.Fact($"/audit/verify: ok = {_record.Verification.Ok}; /audit/completeness: complete = {_record.Completeness.Complete} " +
                      $"({string.Join(", ", (_record.Completeness.Sources ?? []).Select(s => s.Source))})");
        // The export the auditor takes away, checked offline against the ledger's published keys only.
        using (var export = (await audit.Export.GetAsync(q => q.QueryParameters.CorrelationId = $"case-{_record.MachineCaseId}", ct))!)
        using (var reader = new StreamReader(export))
            _record.Export = (await reader.ReadToEndAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = (await audit.Keys.GetAsync(cancellationToken: ct))!;
        var pem = string.Join("\n", (keys.Keys ?? []).Select(k => k.PublicKeyPem));
        _record.ExportVerification = ExportVerifier.Verify(_record.Export, ExportVerifier.KeysFromPem(pem));
        var result = _record.ExportVerification;
        narrator.Fact(result.Ok
            ? $"export of case-{_record.MachineCaseId} verified offline: {result.Entries} entries, {result.Links} withheld links, {result.Checkpoints} signed checkpoint(s)"
            : $"export did NOT verify: line {result.Problem!.Line}: {result.Problem.Reason}");
    }

    /// <summary>Whether the day ended with the verified answer the demo promises.</summary>
    public static bool Verified(PlantDayRecord record) =>
        record.Verification.Ok == true && record.Completeness.Complete == true
        && record.ExportVerification is { Ok: true };
}
