using System.Net;
using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Load.Driving;

/// <summary>
/// What a well-behaved ERP or bridge does when the system is briefly away (502/503/504, 429, a refused
/// or dropped connection, a timeout): wait and send the same request again. Every request of the load is
/// idempotent (event ids, request ids, single-use decision tokens), which is what makes that safe.
/// </summary>
public sealed class Patiently(Latencies latencies, TimeSpan patience)
{
    private static readonly HashSet<HttpStatusCode> Transient =
        [HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, HttpStatusCode.TooManyRequests];

    /// <summary>
    /// The call's answer, or null once patience runs out. A 409 on a repeat means the first attempt
    /// landed (the action already moved on, the link was already used): <paramref name="repeatConflict"/> answers for it.
    /// </summary>
    public async Task<T?> RunAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct, Func<T>? repeatConflict = null) where T : struct
    {
        var giveUpAt = DateTimeOffset.UtcNow + patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await latencies.TimeAsync(operation, call);
            }
            catch (ApiException e) when (e.Status == HttpStatusCode.Conflict && attempt > 1 && repeatConflict is not null)
            {
                return repeatConflict();
            }
            catch (Exception e) when (IsTransient(e, ct) && DateTimeOffset.UtcNow < giveUpAt)
            {
                latencies.Retried(operation);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(attempt, 5)))), ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                latencies.Abandoned(operation);
                return null;
            }
        }
    }

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        ApiException api => Transient.Contains(api.Status),
        HttpRequestException => true,
        TaskCanceledException => !ct.IsCancellationRequested, // the client's own timeout
        _ => false,
    };
}
