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
/// Who answers for a request's context now: the exception case or the recommendation that made it (correlation <c>case-{id}</c>,
/// <c>recommendation-{id}</c>), or the link its requester registered; none, and the request has no live context.
/// </summary>
public sealed record ContextOwner(string Site, string? CorrelationId, Uri? LiveContextUrl)
{
    public static ContextOwner Of(ApprovalRequest request) => new(request.Site, request.CorrelationId, request.LiveContextUrl);

    public bool Exists => LiveContexts.OwnerOf(CorrelationId) is not null || LiveContextUrl is not null;
}

/// <summary>
/// Asks a request's owner for its context now. A request an exception case or a recommendation made is answered by the exceptions
/// service's <c>/exceptions/{id}/decision-context</c> or <c>/recommendations/{id}/decision-context</c>, signed as this service with the request's site: the owner sees who asks and
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
        if (OwnerOf(owner.CorrelationId) is { } inExceptions) return await FromExceptionsAsync(inExceptions, owner.Site, ct);
        if (owner.LiveContextUrl is { } url) return await FromLinkAsync(approvalId, url, ct);
        return LiveContextAnswer.None("The request names no owner of its context (no exception case made it and its requester registered no live-context link).");
    }

    private async Task<LiveContextAnswer> FromExceptionsAsync(ExceptionsOwner owner, string site, CancellationToken ct)
    {
        if (!addresses.Has("exceptions")) return LiveContextAnswer.None($"Where the exceptions service listens is not configured ({ServiceAddresses.Setting("exceptions")}).");
        var uri = new Uri(addresses.First("exceptions"), owner.Path);
        try
        {
            // Not the approver (a link's holder has no gateway identity): this service, reading only the request's site.
            using var ask = trust.SignedGet(uri, new Caller(Actor, new HashSet<string>(StringComparer.Ordinal) { "exceptions:read" }, [site]));
            using var answer = await clients.CreateClient(HttpClientName).SendAsync(ask, ct);
            if (!answer.IsSuccessStatusCode) return LiveContextAnswer.None($"The exceptions service answered {(int)answer.StatusCode} for {owner.Name}.");
            var live = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
            return new LiveContextAnswer(live.GetProperty("context").Clone(), live.GetProperty("cleared").GetBoolean(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException or KeyNotFoundException
            or InvalidOperationException)
        {
            return LiveContextAnswer.None($"The exceptions service did not answer for {owner.Name}: {e.Message}");
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

    /// <summary>The exception case or recommendation a request was made for, by its correlation (<c>case-{id}</c>, <c>recommendation-{id}</c>).</summary>
    public static ExceptionsOwner? OwnerOf(string? correlationId) =>
        Id(correlationId, "case-") is { } caseId ? new ExceptionsOwner($"case {caseId}", $"exceptions/{caseId}/decision-context")
        : Id(correlationId, "recommendation-") is { } recommendationId ? new ExceptionsOwner($"recommendation {recommendationId}", $"recommendations/{recommendationId}/decision-context")
        : null;

    private static Guid? Id(string? correlationId, string prefix) =>
        correlationId is { } correlation && correlation.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(correlation.AsSpan(prefix.Length), out var id) ? id : null;
}

/// <summary>What in the exceptions service answers for a request's context: its name for messages, and the path that answers.</summary>
public sealed record ExceptionsOwner(string Name, string Path);
