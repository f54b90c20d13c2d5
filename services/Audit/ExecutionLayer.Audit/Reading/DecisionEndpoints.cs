using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.ServiceDefaults.Identity;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

/// <summary>
/// One approval's decisions as the ledger holds them: who decided, when, in whose seat, through which
/// channel, under which policy version, and the decision context they were shown — frozen on the
/// request, so the requester, every approver and the auditor all see the same data.
/// </summary>
internal static class DecisionEndpoints
{
    private const string Requested = "approvals.approval-requested";
    private const string Decided = "approvals.decision-recorded";
    private const string Notified = "approvals.approver-notified";
    private static readonly string[] Outcomes = ["approvals.approval-granted", "approvals.approval-rejected", "approvals.approval-expired", "approvals.approval-withdrawn"];

    public static IEndpointRouteBuilder MapDecisions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/decisions", async (Guid? approvalId, Caller caller, NpgsqlDataSource db, CancellationToken ct) =>
            approvalId is { } id ? await ViewAsync(db, id, null, caller, ct)
                : Results.Problem(statusCode: 400, title: "Which approval?", detail: "Give approvalId, or ask for one decision at /audit/decisions/{sequence}."));

        app.MapGet("/audit/decisions/{sequence:long}", async (long sequence, Caller caller, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var row = (await LedgerRows.QueryAsync(db, "WHERE sequence = $1", ct, new NpgsqlParameter { Value = sequence })).SingleOrDefault();
            if (row is null || row.Entry.EventType != Decided || !row.VisibleTo(caller))
                return Results.Problem(statusCode: 404, title: "Not a decision", detail: $"Ledger entry {sequence} is not a recorded approval decision.");
            using var payload = JsonDocument.Parse(row.Entry.Payload);
            return await ViewAsync(db, payload.RootElement.GetProperty("approvalId").GetGuid(), sequence, caller, ct);
        });
        return app;
    }

    private static async Task<IResult> ViewAsync(NpgsqlDataSource db, Guid approvalId, long? only, Caller caller, CancellationToken ct)
    {
        var rows = await LedgerRows.QueryAsync(db, "WHERE stream_id = $1 ORDER BY sequence", ct, new NpgsqlParameter { Value = $"approval-{approvalId}" });
        var request = rows.FirstOrDefault(r => r.Entry.EventType == Requested);
        if (request is null || !request.VisibleTo(caller)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"The ledger holds no request for approval {approvalId}.");

        using var requested = JsonDocument.Parse(request.Entry.Payload);
        var r = requested.RootElement;
        var notices = rows.Where(x => x.Entry.EventType == Notified).Select(x => (x.Entry, Payload: Parse(x.Entry.Payload))).ToList();
        var decisions = rows.Where(x => x.Entry.EventType == Decided && (only is null || x.Entry.Sequence == only)).Select(x =>
        {
            var d = Parse(x.Entry.Payload);
            var by = d.GetProperty("decidedBy").GetString();
            var notice = notices.LastOrDefault(n => n.Entry.Sequence < x.Entry.Sequence && n.Payload.GetProperty("approver").GetString() == by);
            return new
            {
                sequence = x.Entry.Sequence,
                decidedBy = by,
                onBehalfOf = Text(d, "onBehalfOf"),
                verdict = Text(d, "verdict"),
                comment = Text(d, "comment"),
                via = Text(d, "via"),
                stage = d.GetProperty("stage").GetInt32(),
                level = d.GetProperty("level").GetInt32(),
                decidedAt = d.GetProperty("decidedAt").GetDateTimeOffset(),
                recordedAt = x.Entry.RecordedAt,
                notifiedAt = notice.Entry is null ? (DateTimeOffset?)null : notice.Payload.GetProperty("notifiedAt").GetDateTimeOffset(),
                reachedThroughEscalation = notice.Entry is not null && notice.Payload.GetProperty("escalation").GetBoolean(),
                hash = Chain.Hex(x.Hash),
            };
        }).ToList();
        var outcome = rows.LastOrDefault(x => Outcomes.Contains(x.Entry.EventType));

        return Results.Ok(new
        {
            approvalId,
            subject = r.GetProperty("subject").Clone(),
            site = Text(r, "site"),
            requester = Text(r, "requester"),
            reason = Text(r, "reason"),
            requestedAt = r.GetProperty("requestedAt").GetDateTimeOffset(),
            policy = new { id = Text(r, "policyId"), version = r.GetProperty("policyVersion").GetInt32() },
            decisionContext = r.GetProperty("decisionContext").Clone(),
            requestSequence = request.Entry.Sequence,
            decisions,
            outcome = outcome is null ? null : new { eventType = outcome.Entry.EventType, by = outcome.Entry.Actor, at = outcome.Entry.OccurredAt, sequence = outcome.Entry.Sequence },
        });
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
