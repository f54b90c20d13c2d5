using System.Globalization;
using System.Threading.RateLimiting;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace ExecutionLayer.Gateway.Limits;

/// <summary>
/// A token bucket per client: an API key or a person by identity, anyone else (decision links) by
/// address. Defaults from <c>Gateway:RateLimits:RequestsPerSecond</c> and <c>Burst</c>; a key may
/// carry its own. Over the limit is a 429 problem with Retry-After.
/// </summary>
internal static class ClientRateLimits
{
    public static IServiceCollection AddClientRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var rate = configuration.GetValue("Gateway:RateLimits:RequestsPerSecond", 200.0);
        var burst = configuration.GetValue("Gateway:RateLimits:Burst", 400);
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var client = context.Features.Get<ClientIdentity>();
                var key = client?.PartitionKey ?? $"ip:{context.Connection.RemoteIpAddress}";
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(client?.RequestsPerSecond ?? rate, client?.Burst ?? burst));
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ProblemResponse.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This client is over its rate limit; try again in {seconds} s.");
            };
        });
    }

    /// <summary>Refilled ten times a second so a client's allowance flows evenly rather than in one lump per second.</summary>
    private static TokenBucketRateLimiterOptions Bucket(double perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond / 10)),
        ReplenishmentPeriod = perSecond >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1 / perSecond),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
