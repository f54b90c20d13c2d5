using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Types;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.ReadingApprovals;

public sealed record ApprovalSummary(
    Guid ApprovalId, string Site, string SubjectType, string SubjectId, string Status, string PolicyId, int PolicyVersion, string Requester,
    string? CorrelationId, int? Stage, string? StageName, int? Level, DateTimeOffset? StageOpenedAt, DateTimeOffset? StageDueAt, DateTimeOffset RequestedAt);

/// <param name="OnBehalfOf">Set when the approver sees this through a delegation in force: whose seat they would fill.</param>
public sealed record PendingApproval(ApprovalSummary Request, string? OnBehalfOf);

public sealed record ApprovalView(Guid ApprovalId, long Version, ApprovalRequest State, IReadOnlyList<HistoryEntry> History);

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

public sealed record LatencyFigures(string PolicyId, string Site, int Stages, double P50Seconds, double P90Seconds, double P99Seconds);

public static class ReadingApprovalsEndpoints
{
    private const string SummaryColumns = """
        a.approval_id, a.site, a.subject_type, a.subject_id, a.status, a.policy_id, a.policy_version, a.requester, a.correlation_id,
        a.current_stage, a.stage_name, a.stage_level, a.stage_opened_at, a.stage_due_at, a.requested_at
        """;

    public static IEndpointRouteBuilder MapReadingApprovals(this IEndpointRouteBuilder app)
    {
        app.MapGet("/approvals", async (string? site, string? status, string? subjectType, int? limit, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            if (status is not null && !QueryEnum.TryParse<ApprovalStatus>(status, out _))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"One of {string.Join(", ", Enum.GetNames<ApprovalStatus>().Skip(1))}."] });
            if (limit is < 1 or > 1000) return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
            var normalized = status is null ? null : Enum.Parse<ApprovalStatus>(status, ignoreCase: true).ToString();
            return Results.Ok(await SummariesAsync(store, $"""
                SELECT {SummaryColumns} FROM {store.Schema}.approval_index a
                WHERE ($1::text IS NULL OR a.site = $1) AND ($2::text IS NULL OR a.status = $2) AND ($3::text IS NULL OR a.subject_type = $3)
                  AND ($5::text[] IS NULL OR a.site = ANY ($5))
                ORDER BY a.requested_at DESC LIMIT $4
                """, ct, Sql.Text(site), Sql.Text(normalized), Sql.Text(subjectType), new NpgsqlParameter<int> { TypedValue = limit ?? 100 }, Sql.Texts(caller.SiteFilter)));
        });

        app.MapGet("/approvals/{approvalId:guid}", async (Guid approvalId, Caller caller, ServiceStore store, EventTypes types, CancellationToken ct) =>
        {
            var events = await store.ReadStreamAsync(ApprovalRequest.StreamId(approvalId), null, null, ct);
            var state = Loaded<ApprovalRequest>.Of(events).State;
            // Another site's request is answered exactly like a missing one.
            if (events.Count == 0 || !caller.Sees(state.Site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No approval request {approvalId}.");
            return Results.Ok(new ApprovalView(approvalId, events[^1].Version, state,
                [.. events.Select(e => new HistoryEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data))]));
        });

        app.MapGet("/approvals/{approvalId:guid}/history", async (Guid approvalId, DateTimeOffset asOf, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsOfAsync<ApprovalRequest>(ApprovalRequest.StreamId(approvalId), null, asOf, ct);
            return loaded.Exists && caller.Sees(loaded.State.Site) ? Results.Ok(new { approvalId, asOf, loaded.Version, loaded.State })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"Approval request {approvalId} did not exist at {asOf:O}.");
        });

        // What waits on one person: their own undecided seats, and seats of people whose delegation to them is in force now.
        app.MapGet("/approvals/pending", async (string? approver, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(approver))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["approver"] = ["Whose pending approvals."] });
            await using var command = store.DataSource.CreateCommand($"""
                SELECT {SummaryColumns}, CASE WHEN lower(s.approver) = lower($1) THEN NULL ELSE s.approver END
                FROM {store.Schema}.approval_index a
                JOIN {store.Schema}.stage_seats s ON s.approval_id = a.approval_id AND s.stage = a.current_stage AND s.level = a.stage_level
                WHERE a.status = 'Pending' AND s.decided_at IS NULL AND lower(a.requester) <> lower($1)
                  AND (lower(s.approver) = lower($1) OR EXISTS (
                      SELECT 1 FROM {store.Schema}.delegation_index d
                      WHERE lower(d.from_person) = lower(s.approver) AND lower(d.to_person) = lower($1) AND NOT d.revoked
                        AND d.valid_from <= $2 AND d.valid_until > $2 AND (cardinality(d.subject_types) = 0 OR a.subject_type = ANY (d.subject_types))))
                  AND NOT EXISTS (
                      SELECT 1 FROM {store.Schema}.stage_seats mine
                      WHERE mine.approval_id = a.approval_id AND mine.stage = a.current_stage AND mine.level = a.stage_level
                        AND lower(mine.approver) = lower($1) AND mine.decided_at IS NOT NULL)
                  AND ($3::text[] IS NULL OR a.site = ANY ($3))
                ORDER BY a.stage_due_at, a.approval_id
                """);
            command.Parameters.Add(Sql.Text(approver));
            command.Parameters.Add(Sql.Timestamp(store.Clock.GetUtcNow()));
            command.Parameters.Add(Sql.Texts(caller.SiteFilter));
            var pending = new List<PendingApproval>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) pending.Add(new PendingApproval(ReadSummary(reader), reader.IsDBNull(15) ? null : reader.GetString(15)));
            return Results.Ok(pending);
        });

        // Requests whose open stage is past its SLA: what a leader chases.
        app.MapGet("/approvals/stalled", async (string? site, Caller caller, ServiceStore store, CancellationToken ct) =>
            Results.Ok(await SummariesAsync(store, $"""
                SELECT {SummaryColumns} FROM {store.Schema}.approval_index a
                WHERE a.status = 'Pending' AND a.stage_due_at < $1 AND ($2::text IS NULL OR a.site = $2) AND ($3::text[] IS NULL OR a.site = ANY ($3))
                ORDER BY a.stage_due_at
                """, ct, Sql.Timestamp(store.Clock.GetUtcNow()), Sql.Text(site), Sql.Texts(caller.SiteFilter))));

        // Approval latency: from a stage opening to its decision, by policy and site.
        app.MapGet("/approvals/latency", async (string? policyId, string? site, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            await using var command = store.DataSource.CreateCommand($"""
                SELECT policy_id, site, count(*)::int,
                    percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - opened_at))
                FROM {store.Schema}.stage_latency
                WHERE ($1::text IS NULL OR policy_id = $1) AND ($2::text IS NULL OR site = $2) AND ($3::text[] IS NULL OR site = ANY ($3))
                GROUP BY policy_id, site ORDER BY policy_id, site
                """);
            command.Parameters.Add(Sql.Text(policyId));
            command.Parameters.Add(Sql.Text(site));
            command.Parameters.Add(Sql.Texts(caller.SiteFilter));
            var figures = new List<LatencyFigures>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var p = reader.GetFieldValue<double[]>(3);
                figures.Add(new LatencyFigures(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), p[0], p[1], p[2]));
            }
            return Results.Ok(figures);
        });
        return app;
    }

    private static Task<List<ApprovalSummary>> SummariesAsync(ServiceStore store, string sql, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        Sql.ListAsync(store.DataSource, sql, ReadSummary, ct, parameters);

    private static ApprovalSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetInt32(11),
        Sql.TimeOrNullAt(r, 12), Sql.TimeOrNullAt(r, 13), Sql.TimeAt(r, 14));

}
