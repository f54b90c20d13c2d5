using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Approvals.Webhooks;

/// <param name="Secret">A Standard Webhooks secret (<c>whsec_</c> + base64); leave it out and one is made and returned once.</param>
/// <param name="EventTypes">
/// Any of approval.requested, approval.escalated, approval.decided (an approver's bridge: the three when left out),
/// change.approved (an ERP applying granted changes to governed fields) and erp.command (an ERP carrying out accepted recommendations).
/// </param>
/// <param name="Sites">Only these sites' requests; all when left out.</param>
public sealed record Subscribe([MaxLength(2000)] string Url, string? Secret = null, IReadOnlyList<string>? EventTypes = null, IReadOnlyList<string>? Sites = null);

public sealed record SubscriptionCreated(Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, IReadOnlyList<string> Sites, string Secret);

public sealed record DeliverySummary(
    Guid DeliveryId, Guid SubscriptionId, string EventType, Guid ApprovalId, string Site, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, string? LastError);

public sealed record DeliveryAttempt(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, int DurationMs);

/// <summary>A delivery with the body that was (or will be) sent, and every attempt at sending it.</summary>
public sealed record DeliveryDetail(DeliverySummary Delivery, IReadOnlyList<DeliveryAttempt> Attempts, JsonElement Body);

public sealed record DeliveryRequeued(Guid DeliveryId, string Status);

/// <summary>What the webhook routes need: who asks, the store and the webhook tables.</summary>
public sealed record WebhooksServices(Caller Caller, ServiceStore Store, WebhookTables Tables);

/// <summary>
/// Subscriptions of chat bridges and other receivers to approval notices, and the delivery log an
/// operator reads and re-drives. Receivers verify each notice with the subscription's secret.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/subscriptions", SubscribeAsync).Describe("Subscribe", "Subscribe a receiver to approval notices; the secret is shown once")
            .Problems(StatusCodes.Status409Conflict);
        webhooks.MapGet("/subscriptions", ListSubscriptionsAsync).Describe("ListSubscriptions", "The active subscriptions (without their secrets)");
        webhooks.MapDelete("/subscriptions/{subscriptionId:guid}", UnsubscribeAsync).Describe("Unsubscribe", "Stop a subscription; what was sent stays in the log")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        webhooks.MapGet("/deliveries", ListDeliveriesAsync).Describe("ListDeliveries", "The delivery log, newest first").QueryValues("status", WebhookTables.DeliveryStatuses);
        webhooks.MapGet("/deliveries/{deliveryId:guid}", GetDeliveryAsync).Describe("GetDelivery", "One delivery with its body and attempts")
            .Problems(StatusCodes.Status404NotFound);
        webhooks.MapPost("/deliveries/{deliveryId:guid}/redeliver", RedeliverAsync).Describe("Redeliver", "Send a dead or delivered notice again: same id and body, fresh signature")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<SubscriptionCreated>, ValidationProblem>> SubscribeAsync(
        Subscribe body, HttpContext http, SiteCatalog registry, [AsParameters] WebhooksServices services, CancellationToken ct)
    {
        var errors = Validate(body, await registry.UnknownAsync(body.Sites ?? [], ct));
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid subscription");

        var store = services.Store;
        var now = store.Clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var secret = body.Secret ?? StandardWebhooks.NewSecret();
        var types = body.EventTypes is { Count: > 0 } t ? t.Distinct().ToArray() : [.. WebhookEventTypes.Approvals];
        var sites = body.Sites?.Distinct().ToArray() ?? [];
        var by = services.Caller.Actor;
        await using var tx = await store.BeginAsync(ct);
        await tx.DecideAsync(WebhookSubscription.StreamId(id), null,
            (WebhookSubscription _) => WebhookSubscription.Subscribe(id, body.Url, types, sites, Fingerprint(secret), by, now),
            _ => Provenance.Of(services.Caller, http.GetCorrelationId()), ct);
        await services.Tables.AddSubscriptionAsync(tx.Transaction, id, body.Url, types, sites, secret, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/webhooks/subscriptions/{id}", new SubscriptionCreated(id, body.Url, types, sites, secret));
    }

    public static async Task<Ok<List<SubscriptionSummary>>> ListSubscriptionsAsync([AsParameters] WebhooksServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Tables.ActiveSubscriptionsAsync(ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> UnsubscribeAsync(
        Guid subscriptionId, HttpContext http, [AsParameters] WebhooksServices services, CancellationToken ct)
    {
        var store = services.Store;
        var by = services.Caller.Actor;
        await using var tx = await store.BeginAsync(ct);
        if (!await services.Tables.SubscriptionExistsAsync(tx.Transaction, subscriptionId, ct)) return Problem.NotFound($"No subscription {subscriptionId}.");
        await tx.DecideAsync(WebhookSubscription.StreamId(subscriptionId), null,
            (WebhookSubscription s) => WebhookSubscription.Unsubscribe(s, by, store.Clock.GetUtcNow()),
            _ => Provenance.Of(services.Caller, http.GetCorrelationId()), ct);
        await services.Tables.DeactivateAsync(tx.Transaction, subscriptionId, ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <param name="status">One of pending, sending, delivered, dead, cancelled.</param>
    /// <param name="limit">From 1 to 1000; 100 when left out.</param>
    public static async Task<Results<Ok<List<DeliverySummary>>, ValidationProblem>> ListDeliveriesAsync(
        Guid? subscriptionId, string? status, Guid? approvalId, int? limit, [AsParameters] WebhooksServices services, CancellationToken ct)
    {
        if (status is not null && !WebhookTables.DeliveryStatuses.Contains(status))
            return Problem.Invalid("status", $"One of {string.Join(", ", WebhookTables.DeliveryStatuses)}.");
        if (limit is < 1 or > 1000) return Problem.Invalid("limit", "Between 1 and 1000.");
        return TypedResults.Ok(await services.Tables.DeliveriesAsync(new DeliveryFilter(subscriptionId, status, approvalId, limit ?? 100, services.Caller.SiteFilter), ct));
    }

    public static async Task<Results<Ok<DeliveryDetail>, ProblemHttpResult>> GetDeliveryAsync(Guid deliveryId, [AsParameters] WebhooksServices services, CancellationToken ct) =>
        await services.Tables.DeliveryAsync(deliveryId, ct) is { } found && services.Caller.Sees(found.Summary.Site)
            ? TypedResults.Ok(new DeliveryDetail(found.Summary, found.Attempts, JsonDocument.Parse(found.Body).RootElement))
            : Problem.NotFound($"No delivery {deliveryId}.");

    public static async Task<Results<Accepted<DeliveryRequeued>, ProblemHttpResult>> RedeliverAsync(
        Guid deliveryId, [AsParameters] WebhooksServices services, CancellationToken ct)
    {
        await using var tx = await services.Store.BeginAsync(ct);
        var status = await services.Tables.LockDeliveryAsync(tx.Transaction, deliveryId, ct);
        if (status is null) return Problem.NotFound($"No delivery {deliveryId}.");
        if (status is "pending" or "sending") return Problem.NotNow($"The delivery is {status} already.");
        await services.Tables.RequeueAsync(tx.Transaction, deliveryId, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Accepted($"/webhooks/deliveries/{deliveryId}", new DeliveryRequeued(deliveryId, "pending"));
    }

    private static string Fingerprint(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..16];

    private static Dictionary<string, string[]> Validate(Subscribe body, string? siteProblem)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors["url"] = ["An absolute http(s) URL."];
        if (body.Secret is not null && !StandardWebhooks.IsValidSecret(body.Secret))
            errors["secret"] = ["A Standard Webhooks secret: whsec_ followed by base64 of 16 to 64 bytes; or leave it out to get one."];
        if (body.EventTypes is { } types && types.Any(t => !WebhookEventTypes.All.Contains(t)))
            errors["eventTypes"] = [$"Any of {string.Join(", ", WebhookEventTypes.All)}."];
        if (siteProblem is not null) errors["sites"] = [siteProblem];
        return errors;
    }
}
