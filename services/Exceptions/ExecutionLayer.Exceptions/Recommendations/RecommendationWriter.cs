using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>
/// The one write path for recommendations: decide on the stream, and in the same transaction keep the index, the request ids the
/// approvals and actions services answer with, and — on acceptance — the link on the case it is about.
/// </summary>
public sealed class RecommendationWriter(ServiceStore store, CaseWriter cases)
{
    private readonly string _s = store.Schema;

    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.recommendation_index (
            recommendation_id uuid PRIMARY KEY, site text NOT NULL, client text NOT NULL, client_id text NOT NULL, source_system text NOT NULL,
            model text NOT NULL, model_version text NOT NULL, status text NOT NULL, confidence numeric NOT NULL, amount numeric NOT NULL,
            currency text NOT NULL, case_id uuid NULL, summary text NOT NULL, received_at timestamptz NOT NULL, decided_at timestamptz NULL,
            updated_at timestamptz NOT NULL);
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
        if (written.Events.OfType<Recommendation.Event.Accepted>().FirstOrDefault() is { } accepted && written.State.Proposal is { CaseId: { } caseId } proposal)
            await cases.DecideAsync(tx, caseId, provenance with { CausationId = provenance.CausationId ?? recommendationId.ToString() }, ct,
                c => CaseDecisions.LinkRecommendation(c, recommendationId, proposal.Source.System, SummaryOf(written.State), accepted.AcceptedBy, accepted.AcceptedAt));
        return written;
    }

    /// <summary>The recommendation that asked with this request id (its approval, one of its actions), if any.</summary>
    public async Task<Guid?> OfRequestAsync(StoreTransaction tx, Guid requestId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx.Transaction, $"SELECT recommendation_id FROM {_s}.recommendation_requests WHERE request_id = $1", [requestId]);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>What it proposes, in a line: its actions' titles.</summary>
    public static string SummaryOf(Recommendation r) => string.Join("; ", r.Actions.Select(a => a.Title));

    private Task IndexAsync(NpgsqlTransaction tx, Recommendation r, CancellationToken ct)
    {
        var p = r.Proposal!;
        return Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.recommendation_index (recommendation_id, site, client, client_id, source_system, model, model_version, status, confidence, amount,
                currency, case_id, summary, received_at, decided_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid, $13, $14, $15::timestamptz, now())
            ON CONFLICT (recommendation_id) DO UPDATE SET status = EXCLUDED.status, decided_at = EXCLUDED.decided_at, updated_at = now()
            """, ct, r.Id, p.Site, p.ReceivedBy, p.ClientId, p.Source.System, p.Source.Model, p.Source.ModelVersion, r.Status.ToString(), p.Confidence, p.Amount,
            p.Currency, p.CaseId, SummaryOf(r), p.ReceivedAt, r.Decision?.At);
    }
}
