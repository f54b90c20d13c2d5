using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Approvals.ReadingApprovals;

public sealed record ApprovalSummary(
    Guid ApprovalId, string Site, string SubjectType, string SubjectId, ApprovalStatus Status, string PolicyId, int PolicyVersion, string Requester,
    string? CorrelationId, int? Stage, string? StageName, int? Level, DateTimeOffset? StageOpenedAt, DateTimeOffset? StageDueAt, DateTimeOffset RequestedAt);

/// <param name="OnBehalfOf">Set when the approver sees this through a delegation in force: whose seat they would fill.</param>
public sealed record PendingApproval(ApprovalSummary Request, string? OnBehalfOf);

public sealed record LatencyFigures(string PolicyId, string Site, int Stages, double P50Seconds, double P90Seconds, double P99Seconds);

/// <summary>
/// The approval index, its stage seats and the stage latencies (kept by the writer in each decision's
/// transaction): lists, what waits on a person, what is stalled, and how long stages take. Every query
/// takes the caller's sites (null for all).
/// </summary>
public sealed class ApprovalIndex(ServiceStore store)
{
    private const string SummaryColumns = """
        a.approval_id, a.site, a.subject_type, a.subject_id, a.status, a.policy_id, a.policy_version, a.requester, a.correlation_id,
        a.current_stage, a.stage_name, a.stage_level, a.stage_opened_at, a.stage_due_at, a.requested_at
        """;

    /// <summary>The latest requests first.</summary>
    public Task<List<ApprovalSummary>> ListAsync(string? site, ApprovalStatus? status, string? subjectType, int limit, string[]? sites, CancellationToken ct) =>
        Sql.ListAsync(store.DataSource, $"""
            SELECT {SummaryColumns} FROM {store.Schema}.approval_index a
            WHERE ($1::text IS NULL OR a.site = $1) AND ($2::text IS NULL OR a.status = $2) AND ($3::text IS NULL OR a.subject_type = $3)
              AND ($5::text[] IS NULL OR a.site = ANY ($5))
            ORDER BY a.requested_at DESC LIMIT $4
            """, ReadSummary, ct, Sql.Text(site), Sql.Text(status?.ToString()), Sql.Text(subjectType), new NpgsqlParameter<int> { TypedValue = limit }, Sql.Texts(sites));

    /// <summary>What waits on one person: their own undecided seats, and seats of people whose delegation to them is in force now.</summary>
    public Task<List<PendingApproval>> PendingForAsync(string approver, string[]? sites, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
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
        """, r => new PendingApproval(ReadSummary(r), r.IsDBNull(15) ? null : r.GetString(15)), ct,
        Sql.Text(approver), Sql.Timestamp(store.Clock.GetUtcNow()), Sql.Texts(sites));

    /// <summary>Requests whose open stage is past its SLA: what a leader chases.</summary>
    public Task<List<ApprovalSummary>> StalledAsync(string? site, string[]? sites, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT {SummaryColumns} FROM {store.Schema}.approval_index a
        WHERE a.status = 'Pending' AND a.stage_due_at < $1 AND ($2::text IS NULL OR a.site = $2) AND ($3::text[] IS NULL OR a.site = ANY ($3))
        ORDER BY a.stage_due_at
        """, ReadSummary, ct, Sql.Timestamp(store.Clock.GetUtcNow()), Sql.Text(site), Sql.Texts(sites));

    /// <summary>From a stage opening to its decision, by policy and site.</summary>
    public Task<List<LatencyFigures>> LatencyAsync(string? policyId, string? site, string[]? sites, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT policy_id, site, count(*)::int,
            percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - opened_at))
        FROM {store.Schema}.stage_latency
        WHERE ($1::text IS NULL OR policy_id = $1) AND ($2::text IS NULL OR site = $2) AND ($3::text[] IS NULL OR site = ANY ($3))
        GROUP BY policy_id, site ORDER BY policy_id, site
        """, r =>
        {
            var p = r.GetFieldValue<double[]>(3);
            return new LatencyFigures(r.GetString(0), r.GetString(1), r.GetInt32(2), p[0], p[1], p[2]);
        }, ct, Sql.Text(policyId), Sql.Text(site), Sql.Texts(sites));

    private static ApprovalSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<ApprovalStatus>(r.GetString(4)), r.GetString(5), r.GetInt32(6), r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetInt32(11),
        Sql.TimeOrNullAt(r, 12), Sql.TimeOrNullAt(r, 13), Sql.TimeAt(r, 14));
}
