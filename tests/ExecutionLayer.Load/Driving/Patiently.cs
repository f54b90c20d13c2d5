using System.Net;
using Microsoft.Kiota.Abstractions;

namespace ExecutionLayer.Load.Driving;

/// <summary>
/// What a well-behaved ERP or bridge does when the system is briefly away (502/503/504, 429, a refused
/// or dropped connection, a timeout): wait and send the same request again. Every request of the load is
/// idempotent (event ids, request ids, single-use decision tokens), which is what makes that safe.
/// </summary>
public sealed class Patiently(Latencies latencies, TimeSpan patience)
{
    private static readonly HashSet<int> Transient =
        [(int)HttpStatusCode.BadGateway, (int)HttpStatusCode.ServiceUnavailable, (int)HttpStatusCode.GatewayTimeout, (int)HttpStatusCode.TooManyRequests];

    /// <summary>
    /// Whether the call was answered (false once patience runs out). A 409 on a repeat means the first attempt
    /// landed (the action already moved on, the link was already used): with <paramref name="conflictOnRepeatIsDone"/> it counts as answered.
    /// </summary>
    public async Task<bool> RunAsync(string operation, Func<Task> call, CancellationToken ct, bool conflictOnRepeatIsDone = false)
    {
        var giveUpAt = DateTimeOffset.UtcNow + patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await latencies.TimeAsync(operation, async () => { await call(); return true; });
                return true;
            }
            catch (Exception e) when (StatusOf(e) == (int)HttpStatusCode.Conflict && attempt > 1 && conflictOnRepeatIsDone)
            {
                return true;
            }
            catch (Exception e) when (IsTransient(e, ct) && DateTimeOffset.UtcNow < giveUpAt)
            {
                latencies.Retried(operation);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(attempt, 5)))), ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                latencies.Abandoned(operation);
                return false;
            }
        }
    }

    /// <summary>The status a refusal came with: a problem the description maps, or an answer it does not.</summary>
    private static int? StatusOf(Exception e) => e is ApiException refused ? refused.ResponseStatusCode : null;

    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        _ when StatusOf(e) is { } status => Transient.Contains(status),
        HttpRequestException => true,
        TaskCanceledException => !ct.IsCancellationRequested, // the client's own timeout
        _ => false,
    };
}
