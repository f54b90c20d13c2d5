using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.Requests;

/// <summary>
/// The one write path for approval requests: decides against the request under a lock, appends, and
/// keeps what hangs off it in step in the same transaction — its index row, its seats, its stage
/// latencies and its timers (the stage SLA, the final expiry).
/// </summary>
public sealed class ApprovalWriter(ServiceStore store, Deadlines deadlines)
{
    public const string StageSlaDeadline = "approval-stage-sla";
    public const string ExpiryDeadline = "approval-expiry";

    private readonly string _s = store.Schema;

    /// <remarks>
    /// Decisions, timers and consumers all write requests; a transaction-scoped lock on the request
    /// makes them take turns, so two approvers clicking at the same moment are both judged against the
    /// other's vote (the second may find the stage already decided) instead of one losing to a conflict.
    /// </remarks>
    public async Task<Decided<ApprovalRequest, ApprovalRequest.Event>> DecideAsync(
        StoreTransaction tx, Guid approvalId, Provenance provenance, CancellationToken ct, Func<ApprovalRequest, IReadOnlyList<ApprovalRequest.Event>> decide)
    {
        var written = await tx.DecideAsync(ApprovalRequest.StreamId(approvalId), null, decide,
            state => provenance with { Site = state.Site, CorrelationId = CorrelationOf(state) }, ct);
        if (written.Events.Count == 0) return written;
        await IndexAsync(tx.Transaction, written.State, written.Events, ct);
        KeepTimers(tx, written.State, written.Events);
        return written;
    }

    /// <summary>A request asked on behalf of something (an exception case) shares its correlation id, so the audit timeline joins them.</summary>
    public static string CorrelationOf(ApprovalRequest state) => state.CorrelationId ?? $"approval-{state.Id}";

    private async Task IndexAsync(NpgsqlTransaction tx, ApprovalRequest state, IReadOnlyList<ApprovalRequest.Event> decided, CancellationToken ct)
    {
        var stage = state.Stage;
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.approval_index AS a (approval_id, site, subject_type, subject_id, status, policy_id, policy_version, requester, correlation_id,
                external_reference, amount, currency, current_stage, stage_name, stage_level, stage_opened_at, stage_due_at, requested_at, updated_at, live_context_url)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid, $11::numeric, $12, $13::int, $14, $15::int, $16::timestamptz, $17::timestamptz, $18, now(), $19)
            ON CONFLICT (approval_id) DO UPDATE SET status = EXCLUDED.status, current_stage = EXCLUDED.current_stage, stage_name = EXCLUDED.stage_name,
                stage_level = EXCLUDED.stage_level, stage_opened_at = EXCLUDED.stage_opened_at, stage_due_at = EXCLUDED.stage_due_at, updated_at = now()
            """, ct, state.Id, state.Site, state.Subject.Type, state.Subject.Id, state.Status.ToString(), state.PolicyId, state.PolicyVersion, state.Requester,
            state.CorrelationId, state.ExternalReference, state.Amount, state.Currency, stage?.Index, stage?.Name, stage?.Level, stage?.OpenedAt, stage?.DueAt,
            state.RequestedAt, state.LiveContextUrl?.ToString());

        foreach (var e in decided)
        {
            switch (e)
            {
                case ApprovalRequest.Event.StageOpened o:
                    await SeatAsync(tx, state.Id, o.Stage, 0, o.Approvers, ct);
                    break;
                case ApprovalRequest.Event.StageEscalated o:
                    await SeatAsync(tx, state.Id, o.Stage, o.Level, o.Approvers, ct);
                    break;
                case ApprovalRequest.Event.DecisionRecorded d:
                    await Sql.ExecAsync(tx, $"UPDATE {_s}.stage_seats SET decided_at = $5 WHERE approval_id = $1 AND stage = $2 AND level = $3 AND lower(approver) = lower($4)",
                        ct, state.Id, d.Stage, d.Level, d.OnBehalfOf ?? d.DecidedBy, d.DecidedAt);
                    break;
                case ApprovalRequest.Event.StageDecided d:
                    await Sql.ExecAsync(tx, $"""
                        INSERT INTO {_s}.stage_latency (approval_id, stage, policy_id, site, opened_at, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT DO NOTHING
                        """, ct, state.Id, d.Stage, state.PolicyId, state.Site, d.OpenedAt, d.DecidedAt);
                    break;
            }
        }
    }

    private Task SeatAsync(NpgsqlTransaction tx, Guid approvalId, int stage, int level, IReadOnlyList<string> approvers, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"INSERT INTO {_s}.stage_seats (approval_id, stage, level, approver) SELECT $1, $2, $3, unnest($4::text[]) ON CONFLICT DO NOTHING",
            ct, approvalId, stage, level, approvers);

    /// <summary>
    /// The final expiry is set once, when the request is made. The stage SLA is set whenever a stage
    /// opens or climbs a level, only while its chain has a level left to climb to (beyond that a late
    /// stage is just stalled). An outcome stops both.
    /// </summary>
    private void KeepTimers(StoreTransaction tx, ApprovalRequest state, IReadOnlyList<ApprovalRequest.Event> decided)
    {
        var streamId = ApprovalRequest.StreamId(state.Id);
        if (!state.IsOpen)
        {
            deadlines.Cancel(tx.Session, streamId, StageSlaDeadline);
            deadlines.Cancel(tx.Session, streamId, ExpiryDeadline);
            return;
        }
        if (decided.OfType<ApprovalRequest.Event.Requested>().Any())
            deadlines.Schedule(tx.Session, state.ExpiresAt, streamId, ExpiryDeadline, new ExpiryTimer(state.Id));
        if (decided.Any(e => e is ApprovalRequest.Event.StageOpened or ApprovalRequest.Event.StageEscalated) && state.Stage is { } stage)
        {
            deadlines.Cancel(tx.Session, streamId, StageSlaDeadline);
            if (stage.Level < state.Plan[stage.Index].Escalation.Count)
                deadlines.Schedule(tx.Session, stage.DueAt, streamId, StageSlaDeadline, new StageTimer(state.Id, stage.Index, stage.Level));
        }
    }
}

/// <summary>The payload of a stage's SLA deadline: the stage and level it was set for, so a stale timer recognises itself.</summary>
public sealed record StageTimer(Guid ApprovalId, int Stage, int Level);

public sealed record ExpiryTimer(Guid ApprovalId);
