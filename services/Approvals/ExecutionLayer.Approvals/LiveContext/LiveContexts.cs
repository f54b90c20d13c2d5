using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.ServiceDefaults.Addresses;
using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Approvals.LiveContext;

/// <summary>The context a request's subject stands in now, from its owner; or why it could not be had.</summary>
public sealed record LiveContextAnswer(JsonElement? Context, bool Cleared, string? Unavailable)
{
    public static LiveContextAnswer None(string why) => new(null, false, why);
}

/// <summary>
/// Asks a request's owner for its context now. A request an exception case made (correlation <c>case-{id}</c>) is
/// answered by the exceptions service's <c>/exceptions/{id}/decision-context</c>, signed as this service with the
/// request's site: the owner sees who asks and filters as for them. A short timeout: an approver's page or decision
/// must not wait on an owner that is down — it goes on with the frozen context and says so.
/// </summary>
public sealed class LiveContexts(IHttpClientFactory clients, ServiceAddresses addresses, GatewayTrust trust)
{
    public const string HttpClientName = "live-context";
    public const string Actor = "approvals:live-context";

    public Task<LiveContextAnswer> NowAsync(ApprovalRequest request, CancellationToken ct) => NowAsync(request.CorrelationId, request.Site, ct);

    /// <param name="correlationId">The request's correlation: a case's (<c>case-{id}</c>) names the owner; any other, none.</param>
    public async Task<LiveContextAnswer> NowAsync(string? correlationId, string site, CancellationToken ct)
    {
        if (CaseOf(correlationId) is not { } caseId) return LiveContextAnswer.None("The request names no owner of its context (it was not made by an exception case).");
        if (!addresses.Has("exceptions")) return LiveContextAnswer.None($"Where the exceptions service listens is not configured ({ServiceAddresses.Setting("exceptions")}).");
        var uri = new Uri(addresses.First("exceptions"), $"exceptions/{caseId}/decision-context");
        try
        {
            // Not the approver (a link's holder has no gateway identity): this service, reading only the request's site.
            using var ask = trust.SignedGet(uri, new Caller(Actor, new HashSet<string>(StringComparer.Ordinal) { "exceptions:read" }, [site]));
            using var answer = await clients.CreateClient(HttpClientName).SendAsync(ask, ct);
            if (!answer.IsSuccessStatusCode) return LiveContextAnswer.None($"The exceptions service answered {(int)answer.StatusCode} for case {caseId}.");
            var live = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
            return new LiveContextAnswer(live.GetProperty("context").Clone(), live.GetProperty("cleared").GetBoolean(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException or KeyNotFoundException)
        {
            return LiveContextAnswer.None($"The exceptions service did not answer for case {caseId}: {e.Message}");
        }
    }

    /// <summary>The case a request was made for: its correlation is the case's (<c>case-{id}</c>).</summary>
    public static Guid? CaseOf(string? correlationId) =>
        correlationId is { } correlation && correlation.StartsWith("case-", StringComparison.Ordinal) && Guid.TryParse(correlation.AsSpan(5), out var id) ? id : null;
}
