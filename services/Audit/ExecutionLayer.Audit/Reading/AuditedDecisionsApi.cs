using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

internal sealed record PolicyReference(string? Id, int Version);

/// <summary>A decision as recorded, with when its approver was notified and whether the notice came by escalation.</summary>
/// <param name="ContextSeen">What the approver decided on, as the decision recorded it: digests of the context as requested and as it stood
/// then, what changed, or that the owner could not be asked (absent on decisions recorded before it was kept).</param>
internal sealed record AuditedDecision(
    long Sequence, string? DecidedBy, string? OnBehalfOf, string? Verdict, string? Comment, string? Via, int Stage, int Level, DateTimeOffset DecidedAt,
    DateTimeOffset RecordedAt, DateTimeOffset? NotifiedAt, bool ReachedThroughEscalation, string Hash, JsonElement? ContextSeen = null);

internal sealed record AuditedOutcome(string EventType, string? By, DateTimeOffset At, long Sequence);

internal sealed record AuditedApproval(
    Guid ApprovalId, JsonElement Subject, string? Site, string? Requester, string? Reason, DateTimeOffset RequestedAt, PolicyReference Policy,
    JsonElement DecisionContext, long RequestSequence, IReadOnlyList<AuditedDecision> Decisions, AuditedOutcome? Outcome);

/// <summary>
/// One approval's decisions as the ledger holds them: who decided, when, in whose seat, through which
/// channel, under which policy version, and the decision context they were shown — frozen on the
/// request, so the requester, every approver and the auditor all see the same data.
/// </summary>
internal static class AuditedDecisionsApi
{
    private const string Requested = "approvals.approval-requested";
    private const string Decided = "approvals.decision-recorded";
    private const string Notified = "approvals.approver-notified";
    private static readonly string[] Outcomes = ["approvals.approval-granted", "approvals.approval-rejected", "approvals.approval-expired", "approvals.approval-withdrawn"];

    public static IEndpointRouteBuilder MapAuditedDecisionsApi(this IEndpointRouteBuilder app)
    {
        var decisions = app.MapGroup("/audit/decisions").WithTags("Audit");
        decisions.MapGet("", OfApprovalAsync).Describe("GetAuditedDecisions", "An approval's request, decisions and outcome as the ledger holds them")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        decisions.MapGet("/{sequence:long}", OneAsync).Describe("GetAuditedDecision", "One recorded decision, with its request and outcome")
            .Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<AuditedApproval>, ProblemHttpResult>> OfApprovalAsync(Guid? approvalId, Caller caller, NpgsqlDataSource db, CancellationToken ct) =>
        approvalId is { } id ? await ViewAsync(db, id, null, caller, ct)
        : Problem.Of(StatusCodes.Status400BadRequest, "Which approval?", "Give approvalId, or ask for one decision at /audit/decisions/{sequence}.");

    public static async Task<Results<Ok<AuditedApproval>, ProblemHttpResult>> OneAsync(long sequence, Caller caller, NpgsqlDataSource db, CancellationToken ct)
    {
        var row = (await LedgerRows.QueryAsync(db, "WHERE sequence = $1", ct, new NpgsqlParameter { Value = sequence })).SingleOrDefault();
        if (row is null || row.Entry.EventType != Decided || !row.VisibleTo(caller))
            return Problem.Of(StatusCodes.Status404NotFound, "Not a decision", $"Ledger entry {sequence} is not a recorded approval decision.");
        using var payload = JsonDocument.Parse(row.Entry.Payload);
        return await ViewAsync(db, payload.RootElement.GetProperty("approvalId").GetGuid(), sequence, caller, ct);
    }

    private static async Task<Results<Ok<AuditedApproval>, ProblemHttpResult>> ViewAsync(NpgsqlDataSource db, Guid approvalId, long? only, Caller caller, CancellationToken ct)
    {
        var rows = await LedgerRows.QueryAsync(db, "WHERE stream_id = $1 ORDER BY sequence", ct, new NpgsqlParameter { Value = $"approval-{approvalId}" });
        var request = rows.FirstOrDefault(r => r.Entry.EventType == Requested);
        if (request is null || !request.VisibleTo(caller)) return Problem.NotFound($"The ledger holds no request for approval {approvalId}.");

        using var requested = JsonDocument.Parse(request.Entry.Payload);
        var r = requested.RootElement;
        var notices = rows.Where(x => x.Entry.EventType == Notified).Select(x => (x.Entry, Payload: Parse(x.Entry.Payload))).ToList();
        var decisions = rows.Where(x => x.Entry.EventType == Decided && (only is null || x.Entry.Sequence == only)).Select(x =>
        {
            var d = Parse(x.Entry.Payload);
            var by = d.GetProperty("decidedBy").GetString();
            var notice = notices.LastOrDefault(n => n.Entry.Sequence < x.Entry.Sequence && n.Payload.GetProperty("approver").GetString() == by);
            return new AuditedDecision(x.Entry.Sequence, by, Text(d, "onBehalfOf"), Text(d, "verdict"), Text(d, "comment"), Text(d, "via"),
                d.GetProperty("stage").GetInt32(), d.GetProperty("level").GetInt32(), d.GetProperty("decidedAt").GetDateTimeOffset(), x.Entry.RecordedAt,
                notice.Entry is null ? null : notice.Payload.GetProperty("notifiedAt").GetDateTimeOffset(),
                notice.Entry is not null && notice.Payload.GetProperty("escalation").GetBoolean(), Chain.Hex(x.Hash),
                d.TryGetProperty("context", out var seen) && seen.ValueKind == JsonValueKind.Object ? seen.Clone() : null);
        }).ToList();
        var outcome = rows.LastOrDefault(x => Outcomes.Contains(x.Entry.EventType));

        return TypedResults.Ok(new AuditedApproval(approvalId, r.GetProperty("subject").Clone(), Text(r, "site"), Text(r, "requester"), Text(r, "reason"),
            r.GetProperty("requestedAt").GetDateTimeOffset(), new PolicyReference(Text(r, "policyId"), r.GetProperty("policyVersion").GetInt32()),
            r.GetProperty("decisionContext").Clone(), request.Entry.Sequence, decisions,
            outcome is null ? null : new AuditedOutcome(outcome.Entry.EventType, outcome.Entry.Actor, outcome.Entry.OccurredAt, outcome.Entry.Sequence)));
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
