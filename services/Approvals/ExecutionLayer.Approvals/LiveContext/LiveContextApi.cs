using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Approvals.LiveContext;

/// <summary>
/// Three things an approver decides on: the context as requested, the context now, and what changed. <see cref="Live"/> is
/// false (with <see cref="Unavailable"/> saying why) when the owner could not be asked: then only the frozen context stands.
/// <see cref="NeedsConfirming"/> says why the request's policy wants a decision confirmed on the context now — by sending
/// <see cref="LiveDigest"/> as <c>confirmedContext</c> — and is empty when it does not.
/// </summary>
public sealed record DecisionContexts(
    Guid ApprovalId, JsonElement AsRequested, JsonElement? Now, ContextDrift? Drift, bool Live, string? Unavailable, string? LiveDigest,
    IReadOnlyList<string> NeedsConfirming);

/// <summary>What reading a request's contexts needs: who asks, the store and the owners.</summary>
public sealed record LiveContextServices(Caller Caller, ServiceStore Store, LiveContexts Owners);

public static class LiveContextApi
{
    public static IEndpointRouteBuilder MapLiveContextApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/approvals/{approvalId:guid}/context", GetAsync).WithTags("Approvals")
            .Describe("GetApprovalContext", "The context a request was made on, the one that stands now, and what changed").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<DecisionContexts>, ProblemHttpResult>> GetAsync(Guid approvalId, [AsParameters] LiveContextServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<ApprovalRequest>(ApprovalRequest.StreamId(approvalId), ct);
        var request = loaded.State;
        if (loaded.Version == 0 || !services.Caller.Sees(request.Site)) return Problem.NotFound($"No approval request {approvalId}.");
        return TypedResults.Ok(Of(request, await services.Owners.NowAsync(request, ct)));
    }

    public static DecisionContexts Of(ApprovalRequest request, LiveContextAnswer live)
    {
        var seen = ContextSeen.Of(request, live);
        return new DecisionContexts(request.Id, request.DecisionContext, live.Context, seen.Drift, seen.Live, seen.Unavailable, seen.LiveDigest, seen.NeedsConfirming(request));
    }
}
