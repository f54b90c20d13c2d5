using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Approvals.Webhooks;

public sealed record SubscriptionSummary(Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, DateTimeOffset CreatedAt);

/// <summary>What a delivery list filters on; null leaves a filter out.</summary>
public sealed record DeliveryFilter(Guid? SubscriptionId, string? Status, Guid? ApprovalId, int Limit, string[]? Sites);

/// <summary>
/// The subscriptions (with their secrets, which only the sender and the callback check read) and the
/// delivery log: rows the subscription stream's events and the sender keep, in their transactions.
/// </summary>
public sealed class WebhookTables(ServiceStore store)
{
    /// <summary>The states a delivery passes through, as the log spells them.</summary>
    public static readonly string[] DeliveryStatuses = ["pending", "sending", "delivered", "dead", "cancelled"];

    public Task AddSubscriptionAsync(NpgsqlTransaction tx, Guid id, string url, string[] types, string[] sites, string secret, DateTimeOffset at, CancellationToken ct) =>
        Sql.ExecAsync(tx, $"""
            INSERT INTO {store.Schema}.webhook_subscriptions (subscription_id, url, event_types, sites, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            """, ct, id, url, types, sites, secret, at);

    public async Task<bool> SubscriptionExistsAsync(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        await Sql.ScalarAsync<Guid?>(tx, $"SELECT subscription_id FROM {store.Schema}.webhook_subscriptions WHERE subscription_id = $1", ct, id) is not null;

    /// <summary>Unsubscribing stops what was not sent yet; what was sent stays in the log.</summary>
    public async Task DeactivateAsync(NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await Sql.ExecAsync(tx, $"UPDATE {store.Schema}.webhook_subscriptions SET active = false WHERE subscription_id = $1", ct, id);
        await Sql.ExecAsync(tx, $"UPDATE {store.Schema}.webhook_deliveries SET status = 'cancelled' WHERE subscription_id = $1 AND status = 'pending'", ct, id);
    }

    public Task<List<SubscriptionSummary>> ActiveSubscriptionsAsync(CancellationToken ct) => Sql.ListAsync(store.DataSource,
        $"SELECT subscription_id, url, event_types, sites, created_at FROM {store.Schema}.webhook_subscriptions WHERE active ORDER BY created_at",
        r => new SubscriptionSummary(r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<string[]>(3), Sql.TimeAt(r, 4)), ct);

    /// <summary>
    /// Queues one delivery of <paramref name="body"/> per active subscription asking for <paramref name="eventType"/> at
    /// <paramref name="site"/>, in the caller's transaction; a delivery id already queued is left as it is.
    /// </summary>
    /// <param name="approvalId">What the log files the delivery under: the approval it is about.</param>
    public async Task QueueAsync(NpgsqlTransaction tx, string eventType, string site, Guid approvalId, string body, Func<Guid, Guid> deliveryIdFor, CancellationToken ct)
    {
        var targets = new List<Guid>();
        await using (var command = Sql.Command(tx, $"""
            SELECT subscription_id FROM {store.Schema}.webhook_subscriptions
            WHERE active AND $1 = ANY(event_types) AND (cardinality(sites) = 0 OR $2 = ANY(sites))
            """, [eventType, site]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) targets.Add(reader.GetGuid(0));
        foreach (var target in targets)
            await Sql.ExecAsync(tx, $"""
                INSERT INTO {store.Schema}.webhook_deliveries (delivery_id, subscription_id, event_type, approval_id, site, body) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (delivery_id) DO NOTHING
                """, ct, deliveryIdFor(target), target, eventType, approvalId, site, body);
    }

    /// <summary>The secret a callback's signature is checked with; null for a subscription that is unknown or removed.</summary>
    public async Task<string?> SecretAsync(Guid subscriptionId, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT secret FROM {store.Schema}.webhook_subscriptions WHERE subscription_id = $1 AND active");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subscriptionId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public Task<List<DeliverySummary>> DeliveriesAsync(DeliveryFilter f, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT {SummaryColumns} FROM {store.Schema}.webhook_deliveries
        WHERE ($1::uuid IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR approval_id = $3)
          AND ($5::text[] IS NULL OR site = ANY ($5))
        ORDER BY created_at DESC, delivery_id LIMIT $4
        """, ReadSummary, ct,
        new NpgsqlParameter { Value = (object?)f.SubscriptionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid }, Sql.Text(f.Status),
        new NpgsqlParameter { Value = (object?)f.ApprovalId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
        new NpgsqlParameter<int> { TypedValue = f.Limit }, Sql.Texts(f.Sites));

    /// <summary>A delivery with its body as sent and every attempt, on one connection; null when there is none.</summary>
    public async Task<(DeliverySummary Summary, string Body, List<DeliveryAttempt> Attempts)?> DeliveryAsync(Guid deliveryId, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        DeliverySummary summary;
        string body;
        await using (var command = new NpgsqlCommand($"SELECT {SummaryColumns}, body FROM {store.Schema}.webhook_deliveries WHERE delivery_id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            (summary, body) = (ReadSummary(reader), reader.GetString(10));
        }
        var attempts = new List<DeliveryAttempt>();
        await using (var command = new NpgsqlCommand(
            $"SELECT attempt, attempted_at, status_code, error, duration_ms FROM {store.Schema}.webhook_attempts WHERE delivery_id = $1 ORDER BY attempt", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                attempts.Add(new DeliveryAttempt(reader.GetInt32(0), Sql.TimeAt(reader, 1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4)));
        }
        return (summary, body, attempts);
    }

    /// <summary>The delivery's status, its row locked for the transaction; null when there is none.</summary>
    public Task<string?> LockDeliveryAsync(NpgsqlTransaction tx, Guid deliveryId, CancellationToken ct) =>
        Sql.ScalarAsync<string>(tx, $"SELECT status FROM {store.Schema}.webhook_deliveries WHERE delivery_id = $1 FOR UPDATE", ct, deliveryId);

    /// <summary>Same id and body, a fresh signature when sent; its attempts keep counting, its retry budget starts again.</summary>
    public Task RequeueAsync(NpgsqlTransaction tx, Guid deliveryId, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        UPDATE {store.Schema}.webhook_deliveries SET status = 'pending', next_attempt_at = now(), last_error = NULL, delivered_at = NULL, budget_from = attempts
        WHERE delivery_id = $1
        """, ct, deliveryId);

    private const string SummaryColumns = "delivery_id, subscription_id, event_type, approval_id, site, status, attempts, created_at, delivered_at, last_error";

    private static DeliverySummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5), r.GetInt32(6),
        Sql.TimeAt(r, 7), Sql.TimeOrNullAt(r, 8), r.IsDBNull(9) ? null : r.GetString(9));
}
