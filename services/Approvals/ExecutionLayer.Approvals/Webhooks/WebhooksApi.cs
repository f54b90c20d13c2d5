using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Approvals.Webhooks;

/// <param name="Secret">A Standard Webhooks secret (<c>whsec_</c> + base64); leave it out and one is made and returned once.</param>
/// <param name="EventTypes">Any of approval.requested, approval.escalated, approval.decided; all when left out.</param>
/// <param name="Sites">Only these sites' requests; all when left out.</param>
public sealed record Subscribe([MaxLength(2000)] string Url, string? Secret = null, IReadOnlyList<string>? EventTypes = null, IReadOnlyList<string>? Sites = null);

public sealed record SubscriptionCreated(Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, string Secret);

public sealed record DeliverySummary(
    Guid DeliveryId, Guid SubscriptionId, string EventType, Guid ApprovalId, string Site, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, string? LastError);

public sealed record DeliveryAttempt(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, int DurationMs);

public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/subscriptions", async (Subscribe body, HttpContext http, Caller caller, ServiceStore store, ApprovalsOptions options, CancellationToken ct) =>
        {
            var errors = Validate(body, options);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid subscription");

            var now = store.Clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var secret = body.Secret ?? StandardWebhooks.NewSecret();
            var types = body.EventTypes is { Count: > 0 } t ? t.Distinct().ToArray() : [.. WebhookEventTypes.All];
            var sites = body.Sites?.Distinct().ToArray() ?? [];
            var by = caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            await tx.DecideAsync(WebhookSubscription.StreamId(id), null,
                (WebhookSubscription _) => WebhookSubscription.Subscribe(id, body.Url, types, sites, Fingerprint(secret), by, now),
                _ => Provenance.Of(caller, http.GetCorrelationId()), ct);
            await Sql.ExecAsync(tx.Transaction, $"""
                INSERT INTO {store.Schema}.webhook_subscriptions (subscription_id, url, event_types, sites, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                """, ct, id, body.Url, types, sites, secret, now);
            await tx.CommitAsync(ct);
            return Results.Created($"/webhooks/subscriptions/{id}", new SubscriptionCreated(id, body.Url, types, sites, secret));
        });

        app.MapGet("/webhooks/subscriptions", async (ServiceStore store, CancellationToken ct) =>
        {
            await using var command = store.DataSource.CreateCommand(
                $"SELECT subscription_id, url, event_types, sites, created_at FROM {store.Schema}.webhook_subscriptions WHERE active ORDER BY created_at");
            var list = new List<object>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                list.Add(new { subscriptionId = reader.GetGuid(0), url = reader.GetString(1), eventTypes = reader.GetFieldValue<string[]>(2),
                    sites = reader.GetFieldValue<string[]>(3), createdAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(4)) });
            return Results.Ok(list);
        });

        // Unsubscribing stops what was not sent yet; what was sent stays in the log.
        app.MapDelete("/webhooks/subscriptions/{subscriptionId:guid}", async (Guid subscriptionId, HttpContext http, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var by = caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            if (await Sql.ScalarAsync<Guid?>(tx.Transaction, $"SELECT subscription_id FROM {store.Schema}.webhook_subscriptions WHERE subscription_id = $1", ct, subscriptionId) is null)
                return Results.Problem(statusCode: 404, title: "Not found", detail: $"No subscription {subscriptionId}.");
            await tx.DecideAsync(WebhookSubscription.StreamId(subscriptionId), null,
                (WebhookSubscription s) => WebhookSubscription.Unsubscribe(s, by, store.Clock.GetUtcNow()),
                _ => Provenance.Of(caller, http.GetCorrelationId()), ct);
            await Sql.ExecAsync(tx.Transaction, $"UPDATE {store.Schema}.webhook_subscriptions SET active = false WHERE subscription_id = $1", ct, subscriptionId);
            await Sql.ExecAsync(tx.Transaction, $"UPDATE {store.Schema}.webhook_deliveries SET status = 'cancelled' WHERE subscription_id = $1 AND status = 'pending'", ct, subscriptionId);
            await tx.CommitAsync(ct);
            return Results.NoContent();
        });

        app.MapGet("/webhooks/deliveries", async (Guid? subscriptionId, string? status, Guid? approvalId, int? limit, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            if (status is not null and not ("pending" or "sending" or "delivered" or "dead" or "cancelled"))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of pending, sending, delivered, dead, cancelled."] });
            if (limit is < 1 or > 1000) return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
            await using var command = store.DataSource.CreateCommand($"""
                SELECT delivery_id, subscription_id, event_type, approval_id, site, status, attempts, created_at, delivered_at, last_error
                FROM {store.Schema}.webhook_deliveries
                WHERE ($1::uuid IS NULL OR subscription_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR approval_id = $3)
                  AND ($5::text[] IS NULL OR site = ANY ($5))
                ORDER BY created_at DESC, delivery_id LIMIT $4
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)subscriptionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)approvalId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit ?? 100 });
            command.Parameters.Add(Sql.Texts(caller.SiteFilter));
            var list = new List<DeliverySummary>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) list.Add(ReadSummary(reader));
            return Results.Ok(list);
        });

        app.MapGet("/webhooks/deliveries/{deliveryId:guid}", async (Guid deliveryId, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(ct);
            DeliverySummary summary;
            string body;
            await using (var command = new NpgsqlCommand($"""
                SELECT delivery_id, subscription_id, event_type, approval_id, site, status, attempts, created_at, delivered_at, last_error, body
                FROM {store.Schema}.webhook_deliveries WHERE delivery_id = $1
                """, connection))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct) || !caller.Sees(ReadSummary(reader).Site))
                    return Results.Problem(statusCode: 404, title: "Not found", detail: $"No delivery {deliveryId}.");
                summary = ReadSummary(reader);
                body = reader.GetString(10);
            }
            var attempts = new List<DeliveryAttempt>();
            await using (var command = new NpgsqlCommand(
                $"SELECT attempt, attempted_at, status_code, error, duration_ms FROM {store.Schema}.webhook_attempts WHERE delivery_id = $1 ORDER BY attempt", connection))
            {
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    attempts.Add(new DeliveryAttempt(reader.GetInt32(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1)),
                        reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4)));
            }
            return Results.Ok(new { delivery = summary, attempts, body = System.Text.Json.JsonDocument.Parse(body).RootElement });
        });

        // Re-drive a dead-lettered (or already delivered) message: same id and body, fresh signature; its attempts keep counting.
        app.MapPost("/webhooks/deliveries/{deliveryId:guid}/redeliver", async (Guid deliveryId, ServiceStore store, CancellationToken ct) =>
        {
            await using var tx = await store.BeginAsync(ct);
            var status = await Sql.ScalarAsync<string>(tx.Transaction, $"SELECT status FROM {store.Schema}.webhook_deliveries WHERE delivery_id = $1 FOR UPDATE", ct, deliveryId);
            if (status is null) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No delivery {deliveryId}.");
            if (status is "pending" or "sending") return Results.Problem(statusCode: 409, title: "Not allowed in the current state", detail: $"The delivery is {status} already.");
            await Sql.ExecAsync(tx.Transaction, $"""
                UPDATE {store.Schema}.webhook_deliveries SET status = 'pending', next_attempt_at = now(), last_error = NULL, delivered_at = NULL, budget_from = attempts
                WHERE delivery_id = $1
                """, ct, deliveryId);
            await tx.CommitAsync(ct);
            return Results.Accepted($"/webhooks/deliveries/{deliveryId}", new { deliveryId, status = "pending" });
        });
        return app;
    }

    private static DeliverySummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5), r.GetInt32(6),
        new DateTimeOffset(r.GetFieldValue<DateTime>(7)), r.IsDBNull(8) ? null : new DateTimeOffset(r.GetFieldValue<DateTime>(8)), r.IsDBNull(9) ? null : r.GetString(9));

    private static string Fingerprint(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..16];

    private static Dictionary<string, string[]> Validate(Subscribe body, ApprovalsOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors["url"] = ["An absolute http(s) URL."];
        if (body.Secret is not null && !StandardWebhooks.IsValidSecret(body.Secret))
            errors["secret"] = ["A Standard Webhooks secret: whsec_ followed by base64 of 16 to 64 bytes; or leave it out to get one."];
        if (body.EventTypes is { } types && types.Any(t => !WebhookEventTypes.All.Contains(t)))
            errors["eventTypes"] = [$"Any of {string.Join(", ", WebhookEventTypes.All)}."];
        if (body.Sites is { } sites && sites.Any(s => !options.Sites.Contains(s))) errors["sites"] = [$"Any of {string.Join(", ", options.Sites)}."];
        return errors;
    }
}
