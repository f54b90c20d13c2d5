using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.ReadingCases;

public sealed record CaseSummary(
    Guid CaseId, CaseKind Kind, string Site, CaseStatus Status, Severity Severity, string Summary, decimal ValueAtRisk, DateTimeOffset OpenedAt, int EscalationLevel);

/// <summary>Which cases a list asks for; null leaves a filter out. <see cref="OpenedBy"/>: opened at or before.</summary>
/// <param name="Statuses">Any of these (null: every status).</param>
public sealed record CaseFilter(string? Site, IReadOnlyList<CaseStatus>? Statuses, CaseKind? Kind, Severity? Severity, DateTimeOffset? OpenedBy, int Limit, string[]? Sites);

/// <summary>The case index as lists read it: newest first.</summary>
public sealed class CaseList(ServiceStore store)
{
    public Task<List<CaseSummary>> ListAsync(CaseFilter f, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT case_id, kind, site, status, severity, summary, value_at_risk, opened_at, escalation_level FROM {store.Schema}.case_index
        WHERE ($1::text IS NULL OR site = $1) AND ($2::text[] IS NULL OR status = ANY ($2)) AND ($3::text IS NULL OR kind = $3)
          AND ($4::text IS NULL OR severity = $4) AND ($5::timestamptz IS NULL OR opened_at <= $5)
          AND ($7::text[] IS NULL OR site = ANY ($7))
        ORDER BY opened_at DESC LIMIT $6
        """, r => new CaseSummary(r.GetGuid(0), Enum.Parse<CaseKind>(r.GetString(1)), r.GetString(2), Enum.Parse<CaseStatus>(r.GetString(3)),
            Enum.Parse<Severity>(r.GetString(4)), r.GetString(5), r.GetDecimal(6), Sql.TimeAt(r, 7), r.GetInt32(8)), ct,
        Sql.Text(f.Site), Sql.Texts(f.Statuses?.Select(x => x.ToString()).ToArray()), Sql.Text(f.Kind?.ToString()), Sql.Text(f.Severity?.ToString()), Sql.Timestamp(f.OpenedBy),
        new NpgsqlParameter<int> { TypedValue = f.Limit }, Sql.Texts(f.Sites));
}
