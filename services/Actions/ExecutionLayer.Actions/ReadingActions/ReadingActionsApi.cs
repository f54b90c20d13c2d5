using ExecutionLayer.Actions.Items;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.ReadingActions;

/// <summary>An action with every event that made it, for the owner and the auditor.</summary>
public sealed record ActionDetail(Guid ActionId, long Version, ActionItem State, IReadOnlyList<HistoryEntry> History);

/// <summary>An action as it stood at a moment (<see cref="AsOf"/>), at the version it had then.</summary>
public sealed record ActionAsOf(Guid ActionId, DateTimeOffset AsOf, long Version, ActionItem State);

/// <summary>What reading actions needs: who asks, and the store with its index.</summary>
public sealed record ReadingActionsServices(Caller Caller, ServiceStore Store, ActionIndex Index);

/// <summary>Lists, one action, and an action as of a moment. Another site's action is answered exactly like a missing one.</summary>
public static class ReadingActionsApi
{
    public static IEndpointRouteBuilder MapReadingActionsApi(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/actions").WithTags("Actions");
        actions.MapGet("", ListAsync).Describe("ListActions", "Actions by site, owner, status, KPI or source, a keyset page at a time")
            .QueryValues("status", ActionStatus.None).QueryValues<SourceKind>("sourceKind");
        actions.MapGet("/{actionId:guid}", GetAsync).Describe("GetAction", "One action with its history; the ETag is its version")
            .Problems(StatusCodes.Status404NotFound);
        actions.MapGet("/{actionId:guid}/history", GetAsOfAsync).Describe("GetActionAsOf", "The action as it stood at a moment, from its own stream")
            .Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="status"><c>open</c> (any open state) or one status.</param>
    /// <param name="after">With <paramref name="afterId"/>: the previous page's last createdAt and actionId.</param>
    /// <param name="limit">From 1 to 1000; 100 when left out.</param>
    public static async Task<Results<Ok<List<ActionSummary>>, ValidationProblem>> ListAsync(
        string? site, string? owner, string? status, string? kpi, string? sourceKind, string? sourceReference, DateTimeOffset? after, Guid? afterId, int? limit,
        [AsParameters] ReadingActionsServices services, CancellationToken ct)
    {
        var openOnly = string.Equals(status, "open", StringComparison.OrdinalIgnoreCase);
        ActionStatus? statusFilter = null;
        if (status is not null && !openOnly)
        {
            if (!QueryEnum.TryParse<ActionStatus>(status, out var parsed) || parsed == ActionStatus.None)
                return Problem.Invalid("status", $"open (any open state), or one of {string.Join(", ", Enum.GetNames<ActionStatus>().Skip(1))}.");
            statusFilter = parsed;
        }
        // The index stores the enum's name; the API speaks it in camelCase ("exception"), so parse rather than compare text.
        SourceKind? kind = null;
        if (sourceKind is not null)
        {
            if (!QueryEnum.TryParse<SourceKind>(sourceKind, out var parsedKind)) return Problem.Invalid("sourceKind", $"One of {string.Join(", ", Enum.GetNames<SourceKind>())}.");
            kind = parsedKind;
        }
        if (limit is < 1 or > 1000) return Problem.Invalid("limit", "From 1 to 1000.");
        if ((after is null) != (afterId is null)) return Problem.Invalid("after", "Give after and afterId together.");
        return TypedResults.Ok(await services.Index.ListAsync(new ActionFilter(site, owner, statusFilter, openOnly, kpi?.ToLowerInvariant(), kind, sourceReference,
            after, afterId, limit ?? 100, services.Caller.SiteFilter), ct));
    }

    public static async Task<Results<Ok<ActionDetail>, ProblemHttpResult>> GetAsync(
        Guid actionId, HttpContext http, EventTypes types, [AsParameters] ReadingActionsServices services, CancellationToken ct)
    {
        var events = await services.Store.ReadStreamAsync(ActionItem.StreamId(actionId), null, null, ct);
        var state = Loaded<ActionItem>.Of(events).State;
        if (events.Count == 0 || !services.Caller.Sees(state.Site)) return Problem.NotFound($"No action {actionId}.");
        IfMatch.SetETag(http.Response, events[^1].Version);
        return TypedResults.Ok(new ActionDetail(actionId, events[^1].Version, state,
            [.. events.Select(e => new HistoryEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data))]));
    }

    public static async Task<Results<Ok<ActionAsOf>, ProblemHttpResult>> GetAsOfAsync(
        Guid actionId, DateTimeOffset asOf, [AsParameters] ReadingActionsServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsOfAsync<ActionItem>(ActionItem.StreamId(actionId), null, asOf, ct);
        return loaded.Exists && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(new ActionAsOf(actionId, asOf, loaded.Version, loaded.State))
            : Problem.NotFound($"Action {actionId} did not exist at {asOf:O}.");
    }
}
