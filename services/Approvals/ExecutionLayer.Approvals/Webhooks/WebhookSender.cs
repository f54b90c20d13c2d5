using System.Text;
using ExecutionLayer.EventSourcing;
using Npgsql;
using NpgsqlTypes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// Sends pending deliveries. A delivery is claimed with a short lease committed at once — never held
/// in an open transaction while the HTTP call runs, which would pause every subscription on the
/// server (xmin) — so another instance takes it over if this one dies mid-send. Retries, the circuit
/// and each attempt's signature and log are the <see cref="DeliveryClient"/>'s; a delivery that exhausts its attempts, or that the endpoint refuses outright (4xx), is
/// dead-lettered and waits to be re-driven by API. While an endpoint's circuit is open its deliveries
/// wait without spending attempts.
/// </summary>
/// <remarks>
/// Transport time (the webhook timestamp, leases, backoff) is real time even when the domain clock is
/// moved in tests: receivers check the timestamp against their own clocks.
/// </remarks>
public sealed class WebhookSender(EventStore store, IHttpClientFactory http, ApprovalsOptions options, ILogger<WebhookSender> logger) : BackgroundService
{
    private readonly string _s = store.Schema.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(stoppingToken);
                await Task.WhenAll(claimed.Select(d => SendAsync(d, stoppingToken)));
                if (claimed.Count > 0) continue;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Webhook delivery polling failed; retrying");
            }
            await Task.Delay(options.Webhooks.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"""
            UPDATE {_s}.webhook_deliveries d SET status = 'sending', lease_until = now() + $1
            FROM {_s}.webhook_subscriptions s
            WHERE s.subscription_id = d.subscription_id AND d.delivery_id IN (
                SELECT delivery_id FROM {_s}.webhook_deliveries
                WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now())
                ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING d.delivery_id, d.attempts, d.budget_from, d.body, s.url, s.secret
            """);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = options.Webhooks.Lease, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.Webhooks.Concurrency });
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        return claimed;
    }

    private async Task SendAsync(Claimed claimed, CancellationToken ct)
    {
        var delivery = new DeliveryInFlight(claimed.Id, claimed.Secret, claimed.Body, claimed.Attempts, claimed.BudgetFrom, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, claimed.Url) { Content = new StringContent(claimed.Body, Encoding.UTF8, "application/json") };
        request.Options.Set(DeliveryInFlight.Key, delivery);
        try
        {
            using var response = await http.CreateClient(DeliveryClient.Name).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode) await FinishAsync(delivery.Id, delivery.Attempts, "delivered", null, ct);
            else await FinishAsync(delivery.Id, delivery.Attempts, "dead", $"HTTP {(int)response.StatusCode}", ct);
        }
        catch (AttemptsExhaustedException e)
        {
            await FinishAsync(delivery.Id, delivery.Attempts, "dead", e.Message, ct);
        }
        catch (BrokenCircuitException) when (delivery.Spent(options.Webhooks.MaxAttempts))
        {
            await FinishAsync(delivery.Id, delivery.Attempts, "dead", "All attempts failed; the endpoint's circuit is open.", ct);
        }
        catch (BrokenCircuitException)
        {
            await DeferAsync(delivery.Id, delivery.Attempts, options.Webhooks.BreakDuration, "The endpoint's circuit is open; waiting for it to close.", ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            await FinishAsync(delivery.Id, delivery.Attempts, "dead", e.Message, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the delivery back now rather than when its lease runs out.
            await DeferAsync(delivery.Id, delivery.Attempts, TimeSpan.Zero, null, CancellationToken.None);
        }
    }

    private async Task FinishAsync(Guid deliveryId, int attempts, string status, string? error, CancellationToken ct)
    {
        if (status == "dead") logger.LogWarning("Webhook delivery {Delivery} dead-lettered after {Attempts} attempts: {Error}", deliveryId, attempts, error);
        await using var command = store.DataSource.CreateCommand($"""
            UPDATE {_s}.webhook_deliveries SET status = $2, attempts = $3, last_error = $4, lease_until = NULL,
                delivered_at = CASE WHEN $2 = 'delivered' THEN now() END
            WHERE delivery_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task DeferAsync(Guid deliveryId, int attempts, TimeSpan delay, string? why, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"""
            UPDATE {_s}.webhook_deliveries SET status = 'pending', attempts = $2, lease_until = NULL, next_attempt_at = now() + $3, last_error = $4
            WHERE delivery_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = delay, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)why ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <param name="BudgetFrom">The attempt count when the delivery was last (re-)driven.</param>
    private sealed record Claimed(Guid Id, int Attempts, int BudgetFrom, string Body, string Url, string Secret);
}
