using System.Diagnostics;
using System.Globalization;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>A delivery on its way out: what every attempt at it needs, and how many it has made.</summary>
/// <param name="BudgetFrom">The attempt count when the delivery was last (re-)driven: it may make <see cref="WebhookOptions.MaxAttempts"/> more.</param>
public sealed class DeliveryInFlight(Guid id, string secret, string body, int attempts, int budgetFrom, CancellationToken stopping)
{
    public static readonly HttpRequestOptionsKey<DeliveryInFlight> Key = new("ExecutionLayer.WebhookDelivery");

    public Guid Id => id;
    public string Secret => secret;
    public string Body => body;
    public int Attempts { get; private set; } = attempts;
    public bool Spent(int maxAttempts) => Attempts - budgetFrom >= maxAttempts;
    public CancellationToken Stopping => stopping;
    internal int Next() => ++Attempts;
}

/// <summary>
/// One attempt, below the resilience handler so that each retry passes through it: it refuses an attempt
/// beyond the delivery's budget (an open circuit may have deferred the delivery between runs), stamps a
/// fresh timestamp and signature over the same id and body as the Standard Webhooks spec asks, and
/// records the attempt's status or error and duration.
/// </summary>
public sealed class DeliveryAttemptHandler(ServiceStore store, ApprovalsOptions options) : DelegatingHandler
{
    private readonly string _s = store.Schema;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!request.Options.TryGetValue(DeliveryInFlight.Key, out var delivery))
            throw new InvalidOperationException($"A request on the {DeliveryClient.Name} client carries its {nameof(DeliveryInFlight)}.");
        if (delivery.Spent(options.Webhooks.MaxAttempts)) throw new AttemptsExhaustedException();
        var attempt = delivery.Next();
        Sign(request, delivery);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, ct);
            await RecordAsync(delivery.Id, attempt, (int)response.StatusCode, null, started);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            var error = e is HttpRequestException ? e.Message : delivery.Stopping.IsCancellationRequested ? "cancelled: the service was stopping" : "timed out";
            await RecordAsync(delivery.Id, attempt, null, error, started);
            throw;
        }
    }

    private static void Sign(HttpRequestMessage request, DeliveryInFlight delivery)
    {
        var id = $"msg_{delivery.Id:N}";
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Remove(StandardWebhooks.IdHeader);
        request.Headers.Remove(StandardWebhooks.TimestampHeader);
        request.Headers.Remove(StandardWebhooks.SignatureHeader);
        request.Headers.Add(StandardWebhooks.IdHeader, id);
        request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhooks.SignatureHeader, StandardWebhooks.Sign(delivery.Secret, id, timestamp, delivery.Body));
    }

    private async Task RecordAsync(Guid deliveryId, int attempt, int? status, string? error, long started)
    {
        await using var command = store.DataSource.CreateCommand($"""
            INSERT INTO {_s}.webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms) VALUES ($1, $2, now(), $3, $4, $5)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds });
        // Recorded even when the attempt was cancelled: the log is what an operator reads about it.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

/// <summary>The delivery spent its attempts across runs (an open circuit defers it between them): it is dead-lettered.</summary>
public sealed class AttemptsExhaustedException() : Exception("All attempts failed or were refused by an open circuit.");
