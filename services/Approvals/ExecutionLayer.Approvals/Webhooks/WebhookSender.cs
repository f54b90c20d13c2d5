using System.Collections.Concurrent;
using System.Text;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Npgsql;
using NpgsqlTypes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// Sends pending deliveries. A delivery is claimed with a short lease committed at once — never held
/// in an open transaction while the HTTP call runs, which would pause every subscription on the
/// server (xmin) — and renewed while its attempts run, so another instance takes it over soon after
/// this one dies mid-send, and never while this one is still at it. Retries, the circuit
/// and each attempt's signature and log are the <see cref="DeliveryClient"/>'s; a delivery that exhausts its attempts, or that the endpoint refuses outright (4xx), is
/// dead-lettered and waits to be re-driven by API. While an endpoint's circuit is open its deliveries
/// wait without spending attempts.
/// </summary>
/// <remarks>
/// Transport time (the webhook timestamp, leases, backoff) is real time even when the domain clock is
/// moved in tests: receivers check the timestamp against their own clocks.
/// </remarks>
public sealed class WebhookSender(ServiceStore store, IHttpClientFactory http, ApprovalsOptions options, ILogger<WebhookSender> logger) : BackgroundService
{
    private readonly string _s = store.Schema;

    // Which claims are this process's: a lease another instance took over after ours ran out is not renewed by us.
    private readonly Guid _instance = Guid.NewGuid();
    private readonly ConcurrentDictionary<Guid, byte> _sending = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewing = RenewLeasesAsync(stoppingToken);
        await SendDueAsync(stoppingToken);
        await renewing;
    }

    /// <summary>
    /// Claims due deliveries while fewer than <see cref="WebhookOptions.Concurrency"/> are in flight and
    /// sends each beside the polling: one slow or failing receiver's attempts and backoff hold its own
    /// deliveries, never the next receiver's.
    /// </summary>
    private async Task SendDueAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            var free = options.Webhooks.Concurrency - running.Count;
            try
            {
                if (free > 0)
                {
                    var claimed = await ClaimAsync(free, stoppingToken);
                    running.AddRange(claimed.Select(d => SendAsync(d, stoppingToken)));
                    if (claimed.Count == free) continue;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Webhook delivery polling failed; retrying");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            await Task.Delay(options.Webhooks.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        // Deliveries in flight give themselves back as they see the stop.
        await Task.WhenAll(running);
    }

    private async Task<List<Claimed>> ClaimAsync(int limit, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"""
            UPDATE {_s}.webhook_deliveries d SET status = 'sending', lease_until = now() + $1, claimed_by = $3
            FROM {_s}.webhook_subscriptions s
            WHERE s.subscription_id = d.subscription_id AND d.delivery_id IN (
                SELECT delivery_id FROM {_s}.webhook_deliveries
                WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now())
                ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING d.delivery_id, d.attempts, d.budget_from, d.body, s.url, s.secret
            """);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = options.Webhooks.Lease, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = _instance });
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        return claimed;
    }

    /// <summary>
    /// Every third of the lease, extends the leases of the deliveries this process is sending. A
    /// renewal that fails (the database unreachable) is tried again at the next tick; should the lease
    /// run out meanwhile, another instance may send the same delivery too — at least once, under the
    /// same webhook id, which receivers deduplicate on.
    /// </summary>
    private async Task RenewLeasesAsync(CancellationToken ct)
    {
        using var ticks = new PeriodicTimer(options.Webhooks.Lease / 3);
        try
        {
            while (await ticks.WaitForNextTickAsync(ct))
            {
                var sending = _sending.Keys.ToArray();
                if (sending.Length > 0) await RenewAsync(sending, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: deliveries in flight are given back as they are cancelled.
        }
    }

    private async Task RenewAsync(Guid[] sending, CancellationToken ct)
    {
        try
        {
            await using var command = store.DataSource.CreateCommand($"""
                UPDATE {_s}.webhook_deliveries SET lease_until = now() + $1
                WHERE delivery_id = ANY($2) AND status = 'sending' AND claimed_by = $3
                """);
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = options.Webhooks.Lease, NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sending });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = _instance });
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Renewing the leases of {Count} webhook deliveries in flight failed; retrying at the next tick", sending.Length);
        }
    }

    private async Task SendAsync(Claimed claimed, CancellationToken ct)
    {
        _sending[claimed.Id] = 0;
        try
        {
            await AttemptAsync(claimed, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The outcome could not be written: the lease runs out and the delivery is sent again, under the same id.
            logger.LogWarning(e, "Recording the outcome of webhook delivery {Delivery} failed; it will be retried", claimed.Id);
        }
        finally
        {
            _sending.TryRemove(claimed.Id, out _);
        }
    }

    private async Task AttemptAsync(Claimed claimed, CancellationToken ct)
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
        catch (BrokenCircuitException e)
        {
            // Until the circuit lets a probe through, not a whole BreakDuration: the probe may be this very delivery.
            await DeferAsync(delivery.Id, delivery.Attempts, e.RetryAfter ?? options.Webhooks.BreakDuration, "The endpoint's circuit is open; waiting for it to close.", ct);
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
