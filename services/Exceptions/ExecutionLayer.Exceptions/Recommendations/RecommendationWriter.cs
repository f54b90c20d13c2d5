using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>
/// The one write path for recommendations: decide on the stream, and in the same transaction keep the index, the request ids the
/// approvals and actions services answer with, and — on acceptance — the link on the case it is about and, when it expects a
/// promise kept, the timer that judges it at the promise date.
/// </summary>
public sealed class RecommendationWriter(ServiceStore store, CaseWriter cases, Deadlines deadlines, ExceptionsOptions options)
{
    public const string PromiseDeadline = "recommendation-promise";

    private readonly string _s = store.Schema;

    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.recommendation_index (
            recommendation_id uuid PRIMARY KEY, site text NOT NULL, client text NOT NULL, client_id text NOT NULL, source_system text NOT NULL,
            model text NOT NULL, model_version text NOT NULL, status text NOT NULL, confidence numeric NOT NULL, amount numeric NOT NULL,
            currency text NOT NULL, case_id uuid NULL, summary text NOT NULL, received_at timestamptz NOT NULL, decided_at timestamptz NULL,
            accepted_by_policy boolean NOT NULL DEFAULT false, modified boolean NOT NULL DEFAULT false, executed_at timestamptz NULL, outcome text NULL,
            effect_kpi text NULL, expected_change numeric NULL, realised_change numeric NULL, judged_at timestamptz NULL, updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS recommendation_index_site ON {s}.recommendation_index (site, status, received_at DESC);
        CREATE TABLE IF NOT EXISTS {s}.recommendation_requests (request_id uuid PRIMARY KEY, recommendation_id uuid NOT NULL);
        """;

    /// <summary>A recommendation's events, and everything done about it elsewhere, share one correlation id: the recommendation.</summary>
    public static string CorrelationOf(Guid recommendationId) => $"recommendation-{recommendationId}";

    public async Task<Decided<Recommendation, Recommendation.Event>> DecideAsync(
        StoreTransaction tx, Guid recommendationId, Provenance provenance, CancellationToken ct, Func<Recommendation, IReadOnlyList<Recommendation.Event>> decide)
    {
        var written = await tx.DecideAsync(Recommendation.StreamId(recommendationId), null, decide,
            state => provenance with { Site = state.Site, CorrelationId = CorrelationOf(recommendationId) }, ct);
        if (written.Events.Count == 0) return written;
        await IndexAsync(tx.Transaction, written.State, ct);
        var requests = written.Events.OfType<Recommendation.Event.RoutedForApproval>().Select(r => r.RequestId)
            .Concat(written.Events.OfType<Recommendation.Event.Accepted>().SelectMany(a => a.Work.Select(w => w.RequestId))).ToArray();
        if (requests.Length > 0)
            await Sql.ExecAsync(tx.Transaction, $"INSERT INTO {_s}.recommendation_requests (request_id, recommendation_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING",
                ct, requests, recommendationId);
        if (written.Events.OfType<Recommendation.Event.Accepted>().FirstOrDefault() is { } accepted && written.State.Proposal is { } proposal)
        {
            if (proposal.CaseId is { } caseId)
                await cases.DecideAsync(tx, caseId, provenance with { CausationId = provenance.CausationId ?? recommendationId.ToString() }, ct,
                    c => CaseDecisions.LinkRecommendation(c, recommendationId, proposal.Source.System, SummaryOf(written.State), accepted.AcceptedBy, accepted.AcceptedAt));
            if (proposal.Effect.SalesOrderId is { } salesOrder && await PromiseAsync(tx, salesOrder, ct) is { } promise)
                JudgeAt(tx, recommendationId, promise.PromiseDate);
        }
        return written;
    }

    /// <summary>The recommendation that asked with this request id (its approval, one of its actions), if any.</summary>
    public async Task<Guid?> OfRequestAsync(StoreTransaction tx, Guid requestId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx.Transaction, $"SELECT recommendation_id FROM {_s}.recommendation_requests WHERE request_id = $1", [requestId]);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>The timer that judges a promise: at the promise date, and the allowance for a dispatch the ERP reports late.</summary>
    public void JudgeAt(StoreTransaction tx, Guid recommendationId, DateTimeOffset promiseDate) =>
        deadlines.Schedule(tx.Session, promiseDate + options.RecommendationPromiseGrace, Recommendation.StreamId(recommendationId), PromiseDeadline,
            new PromiseTimer(recommendationId));

    /// <summary>A sales order's promise date as the graph holds it now, and each of its shipments with when it was dispatched; null when no such order.</summary>
    public async Task<PromiseKept?> PromiseAsync(StoreTransaction tx, string salesOrderId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx.Transaction, $"""
            SELECT so.promise_date, sh.shipment_id,
                   (SELECT min(f.time_value) FROM {_s}.follow_up_facts f WHERE f.kind = 'dispatched' AND f.key = sh.shipment_id)
            FROM {_s}.sales_orders so LEFT JOIN {_s}.shipment_orders sh ON sh.sales_order_id = so.order_id
            WHERE so.order_id = $1 ORDER BY sh.shipment_id
            """, [salesOrderId]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        DateTimeOffset? promise = null;
        var shipments = new List<(string, DateTimeOffset?)>();
        while (await reader.ReadAsync(ct))
        {
            promise = Sql.TimeAt(reader, 0);
            if (!reader.IsDBNull(1)) shipments.Add((reader.GetString(1), Sql.TimeOrNullAt(reader, 2)));
        }
        return promise is { } date ? new PromiseKept(salesOrderId, date, shipments) : null;
    }

    /// <summary>What it proposes, in a line: its actions' titles.</summary>
    public static string SummaryOf(Recommendation r) => string.Join("; ", r.Actions.Select(a => a.Title));

    private Task IndexAsync(NpgsqlTransaction tx, Recommendation r, CancellationToken ct)
    {
        var p = r.Proposal!;
        return Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.recommendation_index (recommendation_id, site, client, client_id, source_system, model, model_version, status, confidence, amount,
                currency, case_id, summary, received_at, decided_at, updated_at, accepted_by_policy, executed_at, outcome, effect_kpi, expected_change,
                realised_change, judged_at, modified)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid, $13, $14, $15::timestamptz, now(), $16, $17::timestamptz, $18::text, $19::text,
                $20::numeric, $21::numeric, $22::timestamptz, $23)
            ON CONFLICT (recommendation_id) DO UPDATE SET status = EXCLUDED.status, decided_at = EXCLUDED.decided_at, updated_at = now(),
                accepted_by_policy = EXCLUDED.accepted_by_policy, executed_at = EXCLUDED.executed_at, outcome = EXCLUDED.outcome,
                realised_change = EXCLUDED.realised_change, judged_at = EXCLUDED.judged_at, modified = EXCLUDED.modified
            """, ct, r.Id, p.Site, p.ReceivedBy, p.ClientId, p.Source.System, p.Source.Model, p.Source.ModelVersion, r.Status.ToString(), p.Confidence, p.Amount,
            p.Currency, p.CaseId, SummaryOf(r), p.ReceivedAt, r.Decision?.At, r.Status == RecommendationStatus.Accepted && r.Decision?.ApprovalId is null,
            r.ExecutedAt, r.Judgement?.Outcome.ToString(), p.Effect.Kpi, p.Effect.Change, r.Judgement?.Realised, r.Judgement?.JudgedAt, r.Decision?.Modified ?? false);
    }
}

/// <summary>The payload of a recommendation's promise deadline.</summary>
public sealed record PromiseTimer(Guid RecommendationId);
