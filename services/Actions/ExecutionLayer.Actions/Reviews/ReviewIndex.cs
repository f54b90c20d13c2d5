using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Reviews;

/// <summary>A review as a list shows it.</summary>
public sealed record ReviewSummary(Guid ReviewId, string Site, ReviewKind Kind, ReviewStatus Status, string Title, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt);

/// <summary>
/// The review index: one row per review, written in the transaction of the event that changes it, so
/// the next review of a kind finds what the last one carried and decided.
/// </summary>
public sealed class ReviewIndex(ServiceStore store)
{
    public Task OpenedAsync(NpgsqlTransaction tx, Review review, DateTimeOffset at, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.review_index (review_id, site, kind, status, title, opened_at, action_ids) VALUES ($1, $2, $3, 'Open', $4, $5, $6)
        """, ct, review.Id, review.Site, review.Kind.ToString(), review.Title, at, review.CarriedOver.Select(a => a.ActionId).ToArray());

    public Task DecidedAsync(NpgsqlTransaction tx, Guid reviewId, Guid actionId, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"UPDATE {store.Schema}.review_index SET action_ids = array_append(action_ids, $2) WHERE review_id = $1", ct, reviewId, actionId);

    public Task ClosedAsync(NpgsqlTransaction tx, Guid reviewId, DateTimeOffset at, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"UPDATE {store.Schema}.review_index SET status = 'Closed', closed_at = $2 WHERE review_id = $1", ct, reviewId, at);

    /// <summary>The latest 200, newest first.</summary>
    public Task<List<ReviewSummary>> ListAsync(string? site, ReviewKind? kind, string[]? sites, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT review_id, site, kind, status, title, opened_at, closed_at FROM {store.Schema}.review_index
        WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text[] IS NULL OR site = ANY ($3))
        ORDER BY opened_at DESC LIMIT 200
        """, r => new ReviewSummary(r.GetGuid(0), r.GetString(1), Enum.Parse<ReviewKind>(r.GetString(2)), Enum.Parse<ReviewStatus>(r.GetString(3)), r.GetString(4),
            Sql.TimeAt(r, 5), Sql.TimeOrNullAt(r, 6)), ct, Sql.Text(site), Sql.Text(kind?.ToString()), Sql.Texts(sites));
}
