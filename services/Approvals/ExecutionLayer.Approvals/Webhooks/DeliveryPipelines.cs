using System.Collections.Concurrent;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>The status an endpoint answered one attempt with (the response itself is read and disposed inside the attempt).</summary>
public readonly record struct AttemptResult(int StatusCode)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>Worth trying again: the endpoint is struggling (5xx), timed the request out or asked us to slow down.</summary>
    public bool Transient => StatusCode >= 500 || StatusCode is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests;
}

/// <summary>
/// One resilience pipeline per endpoint URL: attempt timeout, then a circuit breaker (so a dead endpoint
/// stops receiving attempts and its deliveries wait), then bounded retries with exponential, jittered
/// backoff. The circuit is per endpoint so one broken receiver never slows another's deliveries.
/// </summary>
public sealed class DeliveryPipelines(ApprovalsOptions options)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline<AttemptResult>> _pipelines = new(StringComparer.Ordinal);

    public ResiliencePipeline<AttemptResult> For(string url) => _pipelines.GetOrAdd(url, _ => Build(options.Webhooks));

    private static ResiliencePipeline<AttemptResult> Build(WebhookOptions o)
    {
        var transient = new PredicateBuilder<AttemptResult>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => r.Transient);
        return new ResiliencePipelineBuilder<AttemptResult>()
            .AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = Math.Max(0, o.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<AttemptResult>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = Math.Max(2, o.MaxAttempts),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(o.BreakDuration.TotalSeconds * 2, 1)),
                BreakDuration = o.BreakDuration,
            })
            .AddTimeout(o.AttemptTimeout)
            .Build();
    }
}
