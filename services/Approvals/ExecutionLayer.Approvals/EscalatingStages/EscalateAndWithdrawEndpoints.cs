using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.RequestingApprovals;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>Someone involved — the requester or one of the stage's approvers, as signed — pushes a stalled stage up its chain without waiting for the timer.</summary>
public sealed record EscalateStage([FreeText] string? Reason = null, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>The requester, as signed, takes the request back.</summary>
public sealed record WithdrawRequest([FreeText] string Reason, string? OnBehalfOf = null) : IMayActOnBehalf;

public static class EscalateAndWithdrawEndpoints
{
    public static IEndpointRouteBuilder MapEscalateAndWithdraw(this IEndpointRouteBuilder app)
    {
        app.MapPost("/approvals/{approvalId:guid}/escalations", async (Guid approvalId, EscalateStage body, HttpContext http, Caller caller, ServiceStore store, ApprovalWriter writer,
            WorldReader world, CancellationToken ct) =>
        {
            await using var tx = await store.BeginAsync(ct);
            var site = await world.SiteOfAsync(tx.Transaction, approvalId, ct);
            if (site is null || !caller.Sees(site)) return NotFound(approvalId);
            var situation = await world.SituationAsync(tx.Transaction, site, ct);
            var written = await writer.DecideAsync(tx, approvalId, Provenance.Of(caller, http.GetCorrelationId()), ct,
                s => ApprovalDecisions.Escalate(s, s.Stage?.Index ?? 0, s.Stage?.Level ?? 0, EscalationTrigger.Person, caller.Person, situation));
            await tx.CommitAsync(ct);
            return Results.Ok(RequestApprovalEndpoint.Accepted(written));
        });

        app.MapPost("/approvals/{approvalId:guid}/withdrawal", async (Guid approvalId, WithdrawRequest body, HttpContext http, Caller caller, ServiceStore store, ApprovalWriter writer,
            WorldReader world, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Reason))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["Say why."] }, title: "Invalid withdrawal");
            await using var tx = await store.BeginAsync(ct);
            if (await world.SiteOfAsync(tx.Transaction, approvalId, ct) is not { } site || !caller.Sees(site)) return NotFound(approvalId);
            var now = store.Clock.GetUtcNow();
            var written = await writer.DecideAsync(tx, approvalId, Provenance.Of(caller, http.GetCorrelationId()), ct,
                s => ApprovalDecisions.Withdraw(s, caller.Person, body.Reason.Trim(), now));
            await tx.CommitAsync(ct);
            return Results.Ok(RequestApprovalEndpoint.Accepted(written));
        });
        return app;
    }

    private static IResult NotFound(Guid approvalId) => Results.Problem(statusCode: 404, title: "Not found", detail: $"No approval request {approvalId}.");
}
