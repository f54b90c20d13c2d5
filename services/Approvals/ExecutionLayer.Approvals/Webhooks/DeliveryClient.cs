using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>
/// The HttpClient webhooks go out on. Outermost is the resilience handler — bounded retries with
/// exponential, jittered backoff, a circuit breaker, and a timeout on each attempt — with one pipeline
/// instance per endpoint authority, so one broken receiver's open circuit never holds another's
/// deliveries. Inside it, on every attempt, <see cref="DeliveryAttemptHandler"/> spends the attempt,
/// signs it afresh and records it.
/// </summary>
public static class DeliveryClient
{
    public const string Name = "webhook-delivery";

    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, WebhookOptions options)
    {
        services.AddTransient<DeliveryAttemptHandler>();
        var client = services.AddHttpClient(Name)
            // A receiver answering with a redirect does not get to send our signed body somewhere else.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            // Each attempt has its own timeout below; the client's own 100 s would cut across the retries.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // Every attempt is already recorded in webhook_attempts; the factory's request logs would repeat
            // each one, with the receiver's URL (which may carry a token in its query) at Information.
            .RemoveAllLoggers();
        client.AddResilienceHandler(Name, pipeline => Build(pipeline, options)).SelectPipelineByAuthority();
        client.AddHttpMessageHandler<DeliveryAttemptHandler>();
        return services;
    }

    private static void Build(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, WebhookOptions o)
    {
        // Polly takes the TimeProvider registered in DI, which is the domain clock (moved by hand in tests);
        // backoff, break and attempt timeout are transport time, like the webhook timestamp.
        pipeline.TimeProvider = TimeProvider.System;
        // What counts as worth another try is the library's: a connection failure, an attempt timeout,
        // 5xx, 408 or 429. Anything else (a 4xx refusal) is the receiver's final word.
        if (o.MaxAttempts > 1)
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                // The backoff stays ours: a receiver's Retry-After could park a delivery, and one of the
                // instance's sending slots, for as long as the receiver cares to name.
                ShouldRetryAfterHeader = false,
            });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = Math.Max(2, o.MaxAttempts),
            SamplingDuration = TimeSpan.FromSeconds(Math.Max(o.BreakDuration.TotalSeconds * 2, 1)),
            BreakDuration = o.BreakDuration,
            // Short first, doubling after each failed probe up to BreakDuration: a receiver that was down for a
            // moment is probed again within seconds (it waited the whole 30 s before), one that stays down is left alone.
            BreakDurationGenerator = args => ValueTask.FromResult(TimeSpan.FromTicks(
                Math.Min(o.BreakDuration.Ticks, o.FirstBreak.Ticks << Math.Min(args.HalfOpenAttempts, 20)))),
        });
        pipeline.AddTimeout(o.AttemptTimeout);
    }
}
