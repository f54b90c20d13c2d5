using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.RequestingApprovals;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>Someone involved — the requester or one of the stage's approvers, as signed — pushes a stalled stage up its chain without waiting for the timer.</summary>
public sealed record EscalateStage([FreeText] string? Reason = null, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>The requester, as signed, takes the request back.</summary>
public sealed record WithdrawRequest([FreeText] string Reason, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>What escalating and withdrawing need: the request's caller and correlation, the store, the writer and what decisions read.</summary>
public sealed record StageCommandServices(HttpContext Http, ServiceStore Store, ApprovalWriter Writer, WorldReader World)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>A person moves a request on without waiting for a timer: escalates its stage, or withdraws it.</summary>
public static class EscalateAndWithdrawApi
{
    public static IEndpointRouteBuilder MapEscalateAndWithdrawApi(this IEndpointRouteBuilder app)
    {
        var approval = app.MapGroup("/approvals/{approvalId:guid}").WithTags("Approvals");
        approval.MapPost("/escalations", EscalateAsync).Describe("EscalateStage", "The requester or an approver pushes the open stage up its chain").CommandProblems();
        approval.MapPost("/withdrawal", WithdrawAsync).Describe("WithdrawRequest", "The requester takes the request back, with a reason").CommandProblems();
        return app;
    }

    public static async Task<Results<Ok<ApprovalAccepted>, ProblemHttpResult>> EscalateAsync(
        Guid approvalId, EscalateStage body, [AsParameters] StageCommandServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        await using var tx = await services.Store.BeginAsync(ct);
        var site = await services.World.SiteOfAsync(tx.Transaction, approvalId, ct);
        if (site is null || !caller.Sees(site)) return NotFound(approvalId);
        var situation = await services.World.SituationAsync(tx.Transaction, site, ct);
        var written = await services.Writer.DecideAsync(tx, approvalId, Provenance.Of(caller, services.Http.GetCorrelationId()), ct,
            s => ApprovalDecisions.Escalate(s, s.Stage?.Index ?? 0, s.Stage?.Level ?? 0, EscalationTrigger.Person, caller.Person, situation));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(RequestApprovalApi.Accepted(written));
    }

    public static async Task<Results<Ok<ApprovalAccepted>, ValidationProblem, ProblemHttpResult>> WithdrawAsync(
        Guid approvalId, WithdrawRequest body, [AsParameters] StageCommandServices services, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Reason)) return Problem.Invalid("reason", "Say why.", "Invalid withdrawal");
        var caller = services.Caller;
        await using var tx = await services.Store.BeginAsync(ct);
        if (await services.World.SiteOfAsync(tx.Transaction, approvalId, ct) is not { } site || !caller.Sees(site)) return NotFound(approvalId);
        var now = services.Store.Clock.GetUtcNow();
        var written = await services.Writer.DecideAsync(tx, approvalId, Provenance.Of(caller, services.Http.GetCorrelationId()), ct,
            s => ApprovalDecisions.Withdraw(s, caller.Person, body.Reason.Trim(), now));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(RequestApprovalApi.Accepted(written));
    }

    private static ProblemHttpResult NotFound(Guid approvalId) => Problem.NotFound($"No approval request {approvalId}.");
}
