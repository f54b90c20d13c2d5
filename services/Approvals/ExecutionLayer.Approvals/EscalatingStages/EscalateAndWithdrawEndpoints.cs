using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.RequestingApprovals;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Approvals.EscalatingStages;

/// <summary>Someone involved pushes a stalled stage up its chain without waiting for the timer.</summary>
public sealed record EscalateStage(string? By, string? Reason);

public sealed record WithdrawRequest(string? By, string? Reason);

public static class EscalateAndWithdrawEndpoints
{
    public static IEndpointRouteBuilder MapEscalateAndWithdraw(this IEndpointRouteBuilder app)
    {
        app.MapPost("/approvals/{approvalId:guid}/escalations", async (Guid approvalId, EscalateStage body, HttpContext http, Caller caller, EventStore store, ApprovalWriter writer,
            WorldReader world, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.By))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["by"] = ["Who escalates (the requester or a current approver)."] });
            await using var uow = await store.BeginAsync(ct);
            var site = await world.SiteOfAsync(uow.Transaction, approvalId, ct);
            if (site is null || !caller.Sees(site)) return NotFound(approvalId);
            var situation = await world.SituationAsync(uow.Transaction, site, ct);
            var written = await writer.DecideAsync(uow.Transaction, approvalId, new EventMetadata(CausationId: http.GetCorrelationId(), Actor: body.By), ct,
                s => ApprovalDecisions.Escalate(s, s.Stage?.Index ?? 0, s.Stage?.Level ?? 0, EscalationTrigger.Person, body.By, situation));
            await uow.CommitAsync(ct);
            return Results.Ok(RequestApprovalEndpoint.Accepted(written));
        });

        app.MapPost("/approvals/{approvalId:guid}/withdrawal", async (Guid approvalId, WithdrawRequest body, HttpContext http, Caller caller, EventStore store, ApprovalWriter writer,
            WorldReader world, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body.By)) errors["by"] = ["Who withdraws (only the requester may)."];
            if (string.IsNullOrWhiteSpace(body.Reason)) errors["reason"] = ["Say why."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid withdrawal");
            await using var uow = await store.BeginAsync(ct);
            if (await world.SiteOfAsync(uow.Transaction, approvalId, ct) is not { } site || !caller.Sees(site)) return NotFound(approvalId);
            var now = store.Clock.GetUtcNow();
            var written = await writer.DecideAsync(uow.Transaction, approvalId, new EventMetadata(CausationId: http.GetCorrelationId(), Actor: body.By), ct,
                s => ApprovalDecisions.Withdraw(s, body.By!, body.Reason!, now));
            await uow.CommitAsync(ct);
            return Results.Ok(RequestApprovalEndpoint.Accepted(written));
        });
        return app;
    }

    private static IResult NotFound(Guid approvalId) => Results.Problem(statusCode: 404, title: "Not found", detail: $"No approval request {approvalId}.");
}
