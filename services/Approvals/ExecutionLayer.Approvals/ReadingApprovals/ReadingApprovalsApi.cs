using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Approvals.ReadingApprovals;

public sealed record ApprovalView(Guid ApprovalId, long Version, ApprovalRequest State, IReadOnlyList<HistoryEntry> History);

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

/// <summary>A request as it stood at a moment (<see cref="AsOf"/>), at the version it had then.</summary>
public sealed record ApprovalAsOf(Guid ApprovalId, DateTimeOffset AsOf, long Version, ApprovalRequest State);

/// <summary>What reading approvals needs: who asks, the store and the index.</summary>
public sealed record ReadingApprovalsServices(Caller Caller, ServiceStore Store, ApprovalIndex Index);

/// <summary>Requests, one request with its history or as of a moment, what waits on a person, what is stalled, and latency. Another site's request is answered like a missing one.</summary>
public static class ReadingApprovalsApi
{
    public static IEndpointRouteBuilder MapReadingApprovalsApi(this IEndpointRouteBuilder app)
    {
        var approvals = app.MapGroup("/approvals").WithTags("Approvals");
        approvals.MapGet("", ListAsync).Describe("ListApprovals", "Approval requests by site, status or subject type, latest first")
            .QueryValues("status", ApprovalStatus.None);
        approvals.MapGet("/{approvalId:guid}", GetAsync).Describe("GetApproval", "One request with its history").Problems(StatusCodes.Status404NotFound);
        approvals.MapGet("/{approvalId:guid}/history", GetAsOfAsync).Describe("GetApprovalAsOf", "The request as it stood at a moment")
            .Problems(StatusCodes.Status404NotFound);
        approvals.MapGet("/pending", PendingAsync).Describe("ListPendingApprovals", "What waits on one approver, their delegations in force included");
        approvals.MapGet("/stalled", StalledAsync).Describe("ListStalledApprovals", "Requests whose open stage is past its SLA");
        approvals.MapGet("/latency", LatencyAsync).Describe("GetApprovalLatency", "Stage opening to decision, p50/p90/p99, by policy and site");
        return app;
    }

    /// <param name="limit">From 1 to 1000; 100 when left out.</param>
    public static async Task<Results<Ok<List<ApprovalSummary>>, ValidationProblem>> ListAsync(
        string? site, string? status, string? subjectType, int? limit, [AsParameters] ReadingApprovalsServices services, CancellationToken ct)
    {
        ApprovalStatus? statusFilter = null;
        if (status is not null)
        {
            if (!QueryEnum.TryParse<ApprovalStatus>(status, out var parsed) || parsed == ApprovalStatus.None)
                return Problem.Invalid("status", $"One of {string.Join(", ", Enum.GetNames<ApprovalStatus>().Skip(1))}.");
            statusFilter = parsed;
        }
        if (limit is < 1 or > 1000) return Problem.Invalid("limit", "Between 1 and 1000.");
        return TypedResults.Ok(await services.Index.ListAsync(site, statusFilter, subjectType, limit ?? 100, services.Caller.SiteFilter, ct));
    }

    public static async Task<Results<Ok<ApprovalView>, ProblemHttpResult>> GetAsync(
        Guid approvalId, EventTypes types, [AsParameters] ReadingApprovalsServices services, CancellationToken ct)
    {
        var events = await services.Store.ReadStreamAsync(ApprovalRequest.StreamId(approvalId), null, null, ct);
        var state = Loaded<ApprovalRequest>.Of(events).State;
        if (events.Count == 0 || !services.Caller.Sees(state.Site)) return Problem.NotFound($"No approval request {approvalId}.");
        return TypedResults.Ok(new ApprovalView(approvalId, events[^1].Version, state,
            [.. events.Select(e => new HistoryEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data))]));
    }

    public static async Task<Results<Ok<ApprovalAsOf>, ProblemHttpResult>> GetAsOfAsync(
        Guid approvalId, DateTimeOffset asOf, [AsParameters] ReadingApprovalsServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsOfAsync<ApprovalRequest>(ApprovalRequest.StreamId(approvalId), null, asOf, ct);
        return loaded.Exists && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(new ApprovalAsOf(approvalId, asOf, loaded.Version, loaded.State))
            : Problem.NotFound($"Approval request {approvalId} did not exist at {asOf:O}.");
    }

    public static async Task<Results<Ok<List<PendingApproval>>, ValidationProblem>> PendingAsync(
        string? approver, [AsParameters] ReadingApprovalsServices services, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(approver) ? Problem.Invalid("approver", "Whose pending approvals.")
        : TypedResults.Ok(await services.Index.PendingForAsync(approver, services.Caller.SiteFilter, ct));

    public static async Task<Ok<List<ApprovalSummary>>> StalledAsync(string? site, [AsParameters] ReadingApprovalsServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Index.StalledAsync(site, services.Caller.SiteFilter, ct));

    public static async Task<Ok<List<LatencyFigures>>> LatencyAsync(string? policyId, string? site, [AsParameters] ReadingApprovalsServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Index.LatencyAsync(policyId, site, services.Caller.SiteFilter, ct));
}
