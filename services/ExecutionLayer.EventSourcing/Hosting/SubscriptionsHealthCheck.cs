using ExecutionLayer.EventSourcing.Subscriptions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>A stopped projection or publisher makes the instance unready, with the error in the report.</summary>
internal sealed class SubscriptionsHealthCheck(IEnumerable<SubscriptionRunner> runners) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var faulted = runners.Where(r => r.State == SubscriptionState.Faulted).ToArray();
        return Task.FromResult(faulted.Length == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(string.Join("; ", faulted.Select(r => $"{r.Name} stopped at {r.Position.Position}: {r.Error}"))));
    }
}
