using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

/// <summary>
/// What an auditor may ask the ledger by: subject ("lot/L-5521"), actor (who sent it, or the person a
/// client acted for), site, correlation, event type and an occurred-at range; always within the sites the caller may see (entries of no site, such as
/// policies, are everyone's).
/// </summary>
internal sealed record EntryFilter(string? Subject, string? Actor, string? Site, string? CorrelationId, string? EventType, DateTimeOffset? From, DateTimeOffset? To,
    string[]? VisibleSites)
{
    /// <summary>A subject is a kind and an id (which is a name, at most 200 characters) joined by '/'.</summary>
    public const int MaxSubjectLength = 300;

    public Dictionary<string, string[]> Problems()
    {
        var errors = new Dictionary<string, string[]>();
        if (Subject is not null && (Subject.IndexOf('/') is <= 0 || Subject.EndsWith('/'))) errors["subject"] = ["A subject is kind/id, e.g. sales-order/SO-1001 or lot/L-5521."];
        if (From is { } f && To is { } t && t <= f) errors["to"] = ["to must be after from."];
        return errors;
    }

    /// <summary>Rows after <paramref name="after"/> in sequence order; the null checks fold away when planned with the values.</summary>
    public Task<List<LedgerRow>> PageAsync(NpgsqlDataSource db, long after, int limit, CancellationToken ct) =>
        LedgerRows.QueryAsync(db, """
            WHERE ($1::text IS NULL OR subjects @> ARRAY[$1::text]) AND ($2::text IS NULL OR actor = $2 OR on_behalf_of = $2) AND ($3::text IS NULL OR site = $3)
              AND ($4::text IS NULL OR correlation_id = $4) AND ($5::text IS NULL OR event_type = $5)
              AND ($6::timestamptz IS NULL OR occurred_at >= $6) AND ($7::timestamptz IS NULL OR occurred_at < $7)
              AND sequence > $8 AND ($10::text[] IS NULL OR site IS NULL OR site = ANY ($10))
            ORDER BY sequence LIMIT $9
            """, ct, Sql.Text(Subject), Sql.Text(Actor), Sql.Text(Site), Sql.Text(CorrelationId), Sql.Text(EventType), Sql.Timestamp(From), Sql.Timestamp(To),
            new NpgsqlParameter { Value = after }, new NpgsqlParameter { Value = limit }, Sql.Texts(VisibleSites));
}
