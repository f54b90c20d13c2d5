using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Exceptions.MeasuringFlow;
using Npgsql;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// The one write path for cases. Runs decision steps against a case inside the caller's transaction,
/// appends what they decided in one append, and keeps what hangs off the case in step — its index row,
/// the request ids others answer with, its flow row, its SLA timer — all or nothing.
/// </summary>
public sealed class CaseWriter(ServiceStore store, Deadlines deadlines, ExceptionsOptions options)
{
    public const string SlaDeadline = "case-sla";

    private readonly string _s = store.Schema;
    private readonly CaseWatch _watch = new(store.Schema);
    private readonly CaseFlow _flow = new(store.Schema);

    /// <remarks>
    /// The detector, the SLA timer and the bus consumers all write cases; a transaction-scoped lock on
    /// the case makes them take turns, so none of them meets a version conflict (which would stop the
    /// graph projection rather than retry).
    /// </remarks>
    /// <returns>The case after the steps, with the version it is at.</returns>
    public async Task<Loaded<ExceptionCase>> DecideAsync(
        StoreTransaction tx, Guid caseId, Provenance provenance, CancellationToken ct, params Func<ExceptionCase, IReadOnlyList<ExceptionCase.Event>>[] steps)
    {
        var written = await tx.DecideAsync(ExceptionCase.StreamId(caseId), null, (ExceptionCase initial) => Steps(initial, steps),
            state => provenance with { Site = state.Site, CorrelationId = CorrelationOf(caseId) }, ct);
        if (written.Events.Count == 0) return new Loaded<ExceptionCase>(written.State, written.Version);
        var (state, decided) = (written.State, written.Events.ToList());
        await IndexAsync(tx.Transaction, state, decided, ct);
        await _flow.KeepAsync(tx.Transaction, state, decided, ct);
        if (decided.Any(e => e is ExceptionCase.Event.Opened or ExceptionCase.Event.ImpactAssessed or ExceptionCase.Event.Resolved))
            await _watch.RewriteAsync(tx.Transaction, state, ct);
        KeepSlaTimer(tx, state, decided);
        return new Loaded<ExceptionCase>(state, written.Version);
    }

    /// <summary>Each step decides on the state the steps before it left; together they are one append.</summary>
    private static IReadOnlyList<ExceptionCase.Event> Steps(ExceptionCase state, Func<ExceptionCase, IReadOnlyList<ExceptionCase.Event>>[] steps)
    {
        var decided = new List<ExceptionCase.Event>();
        foreach (var step in steps)
        {
            var events = step(state);
            decided.AddRange(events);
            state = events.Aggregate(state, (s, e) => s.Apply(e));
        }
        return decided;
    }

    /// <summary>A case's events, and everything done about it elsewhere, share one correlation id: the case.</summary>
    public static string CorrelationOf(Guid caseId) => $"case-{caseId}";

    public async Task<bool> ExistsAsync(StoreTransaction tx, Guid caseId, CancellationToken ct) =>
        (await Sql.StringsAsync(tx.Transaction, $"SELECT id FROM {_s}.mt_streams WHERE id = $1", ct, ExceptionCase.StreamId(caseId))).Count > 0;

    /// <summary>The case's site, or null when there is no such case.</summary>
    public async Task<string?> SiteOfAsync(StoreTransaction tx, Guid caseId, CancellationToken ct) =>
        (await Sql.StringsAsync(tx.Transaction, $"SELECT site FROM {_s}.case_index WHERE case_id = $1", ct, caseId)).FirstOrDefault();

    public async Task<Guid?> OpenCaseAsync(StoreTransaction tx, CaseKind kind, string triggerKey, CancellationToken ct)
    {
        await using var command = Sql.Command(tx.Transaction, $"SELECT case_id FROM {_s}.case_index WHERE kind = $1 AND trigger_key = $2 AND status NOT IN ('Resolved', 'Closed')",
            [kind.ToString(), triggerKey]);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>The case that asked with this request id (an action request or an approval request), if any.</summary>
    public async Task<Guid?> CaseOfRequestAsync(StoreTransaction tx, Guid requestId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx.Transaction, $"SELECT case_id FROM {_s}.case_requests WHERE request_id = $1", [requestId]);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    private async Task IndexAsync(NpgsqlTransaction tx, ExceptionCase state, List<ExceptionCase.Event> decided, CancellationToken ct)
    {
        var opened = decided.OfType<ExceptionCase.Event.Opened>().FirstOrDefault();
        await Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.case_index AS c (case_id, kind, site, trigger_key, status, severity, summary, value_at_risk, escalation_level, opened_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()), now())
            ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity,
                value_at_risk = EXCLUDED.value_at_risk, escalation_level = EXCLUDED.escalation_level, updated_at = now()
            """, ct, state.Id, state.Kind.ToString(), state.Site, state.TriggerKey, state.Status.ToString(), state.Severity.ToString(),
            state.Summary, state.Impact.ValueAtRisk, state.EscalationLevel, opened?.OpenedAt);

        var requests = decided.OfType<ExceptionCase.Event.Routed>().SelectMany(r => r.Functions.Select(f => CaseAction.RequestIdFor(state.Id, f.Function)))
            .Concat(decided.OfType<ExceptionCase.Event.ApprovalRequested>().Select(a => a.RequestId)).ToArray();
        if (requests.Length > 0)
            await Sql.ExecAsync(tx, $"INSERT INTO {_s}.case_requests (request_id, case_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING", ct, requests, state.Id);
    }

    /// <summary>
    /// The SLA clock starts when the case is opened, at the severity it was first assessed with; each
    /// escalation restarts it for the next rung; resolving stops it.
    /// </summary>
    private void KeepSlaTimer(StoreTransaction tx, ExceptionCase state, List<ExceptionCase.Event> decided)
    {
        var streamId = ExceptionCase.StreamId(state.Id);
        if (decided.OfType<ExceptionCase.Event.Resolved>().Any())
        {
            deadlines.Cancel(tx.Session, streamId, SlaDeadline);
            return;
        }
        var ladder = options.Sla.LadderFor(state.Site);
        if (decided.OfType<ExceptionCase.Event.Opened>().FirstOrDefault() is { } opened && state.IsOpen && ladder.Count > 0)
            deadlines.Schedule(tx.Session, opened.OpenedAt + options.Sla.For(state.Severity), streamId, SlaDeadline, new SlaTimer(state.Id, 1));
        if (decided.OfType<ExceptionCase.Event.Escalated>().LastOrDefault() is { } escalated && escalated.Level < ladder.Count)
            deadlines.Schedule(tx.Session, escalated.EscalatedAt + options.Sla.For(state.Severity), streamId, SlaDeadline, new SlaTimer(state.Id, escalated.Level + 1));
    }
}

/// <summary>The payload of a case's SLA deadline: which rung it escalates to when it fires.</summary>
public sealed record SlaTimer(Guid CaseId, int Level);
