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
/// Who answers for a request's context now: the exception case that made it (correlation <c>case-{id}</c>), or the link its
/// requester registered; neither, and the request has no live context.
/// </summary>
public sealed record ContextOwner(string Site, string? CorrelationId, Uri? LiveContextUrl)
{
    public static ContextOwner Of(ApprovalRequest request) => new(request.Site, request.CorrelationId, request.LiveContextUrl);

    public bool Exists => LiveContexts.CaseOf(CorrelationId) is not null || LiveContextUrl is not null;
}

/// <summary>
/// Asks a request's owner for its context now. A request an exception case made is answered by the exceptions service's
/// <c>/exceptions/{id}/decision-context</c>, signed as this service with the request's site: the owner sees who asks and
/// filters as for them. Any other is answered by the live-context link its requester registered, if its origin is still
/// one the operator allows. A short timeout: an approver's page or decision must not wait on an owner that is down — it goes
/// on with the frozen context and says so.
/// </summary>
public sealed class LiveContexts(IHttpClientFactory clients, ServiceAddresses addresses, GatewayTrust trust, ApprovalsOptions options)
{
    public const string HttpClientName = "live-context";
    public const string Actor = "approvals:live-context";

    /// <summary>Sent with a live-context link's GET, so its owner knows which request asks.</summary>
    public const string ApprovalHeader = "X-Approval-Id";

    public Task<LiveContextAnswer> NowAsync(ApprovalRequest request, CancellationToken ct) => NowAsync(request.Id, ContextOwner.Of(request), ct);

    public async Task<LiveContextAnswer> NowAsync(Guid approvalId, ContextOwner owner, CancellationToken ct)
    {
        if (CaseOf(owner.CorrelationId) is { } caseId) return await FromCaseAsync(caseId, owner.Site, ct);
        if (owner.LiveContextUrl is { } url) return await FromLinkAsync(approvalId, url, ct);
        return LiveContextAnswer.None("The request names no owner of its context (no exception case made it and its requester registered no live-context link).");
    }

    private async Task<LiveContextAnswer> FromCaseAsync(Guid caseId, string site, CancellationToken ct)
    {
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
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException or KeyNotFoundException
            or InvalidOperationException)
        {
            return LiveContextAnswer.None($"The exceptions service did not answer for case {caseId}: {e.Message}");
        }
    }

    /// <summary>
    /// The requester's link answers with the context itself, or with <c>{ "context": …, "cleared": true|false }</c> when it can
    /// say the deviation behind the request has cleared.
    /// </summary>
    private async Task<LiveContextAnswer> FromLinkAsync(Guid approvalId, Uri url, CancellationToken ct)
    {
        // Checked again at each call: an origin the operator has since withdrawn is not asked.
        if (!options.AllowsLiveContextAt(url)) return LiveContextAnswer.None($"The live-context link's origin ({url.GetLeftPart(UriPartial.Authority)}) is no longer allowed (Approvals:LiveContextOrigins).");
        try
        {
            using var ask = new HttpRequestMessage(HttpMethod.Get, url);
            ask.Headers.Accept.ParseAdd("application/json");
            ask.Headers.Add(ApprovalHeader, approvalId.ToString());
            using var answer = await clients.CreateClient(HttpClientName).SendAsync(ask, ct);
            if (!answer.IsSuccessStatusCode) return LiveContextAnswer.None($"The live-context link answered {(int)answer.StatusCode}.");
            var live = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (live.ValueKind != JsonValueKind.Object) return LiveContextAnswer.None("The live-context link did not answer with a JSON object.");
            return live.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
                ? new LiveContextAnswer(context.Clone(), live.TryGetProperty("cleared", out var cleared) && cleared.ValueKind == JsonValueKind.True, null)
                : new LiveContextAnswer(live.Clone(), false, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException or InvalidOperationException)
        {
            return LiveContextAnswer.None($"The live-context link did not answer: {e.Message}");
        }
    }

    /// <summary>The case a request was made for: its correlation is the case's (<c>case-{id}</c>).</summary>
    public static Guid? CaseOf(string? correlationId) =>
        correlationId is { } correlation && correlation.StartsWith("case-", StringComparison.Ordinal) && Guid.TryParse(correlation.AsSpan(5), out var id) ? id : null;
}
