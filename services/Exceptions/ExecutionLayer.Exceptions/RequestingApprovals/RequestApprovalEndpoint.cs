using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Exceptions.RequestingApprovals;

/// <summary>
/// A function acting on a case asks for a decision its response needs (planning: Saturday overtime,
/// USD 18,000). The requester is the signed caller, or the person a client holding act-on-behalf names.
/// <see cref="RequestId"/> is the caller's idempotency key: posting the same one again returns the same
/// request and adds nothing.
/// </summary>
public sealed record RequestApproval(Guid RequestId, [MaxLength(100)] string SubjectType, [FreeText] string Reason, string? SubjectId = null,
    decimal? Amount = null, string? Currency = null, string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record ApprovalRequestAccepted(Guid CaseId, Guid RequestId, string SubjectType, string SubjectId, long CaseVersion);

public static class RequestApprovalEndpoint
{
    public static IEndpointRouteBuilder MapRequestApproval(this IEndpointRouteBuilder app)
    {
        app.MapPost("/exceptions/{caseId:guid}/approval-requests", async (Guid caseId, RequestApproval command, Caller caller, HttpContext http, ServiceStore store, CaseWriter cases,
            CancellationToken ct) =>
        {
            var errors = Validate(command);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid approval request");

            var subjectId = string.IsNullOrWhiteSpace(command.SubjectId) ? $"case-{caseId}" : command.SubjectId;
            var provenance = Provenance.Of(caller, http.GetCorrelationId());
            var requestedBy = caller.OnBehalfOf is null ? null : caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            if (await cases.SiteOfAsync(tx, caseId, ct) is not { } site || !caller.Sees(site))
                return Results.Problem(statusCode: 404, title: "Not found", detail: $"No exception case {caseId}.");
            var now = store.Clock.GetUtcNow();
            var decided = await cases.DecideAsync(tx, caseId, provenance, ct, s => CaseDecisions.RequestApproval(
                s, command.RequestId, command.SubjectType, subjectId, command.Amount, command.Currency, caller.Person, requestedBy, command.Reason.Trim(), now));
            await tx.CommitAsync(ct);
            return Results.Created($"/exceptions/{caseId}", new ApprovalRequestAccepted(caseId, command.RequestId, command.SubjectType, subjectId, decided.Version));
        }).WithName("RequestApproval");
        return app;
    }

    private static Dictionary<string, string[]> Validate(RequestApproval command)
    {
        var errors = new Dictionary<string, string[]>();
        if (command.RequestId == Guid.Empty) errors["requestId"] = ["Give a request id (a UUID you keep, so a retry is recognised)."];
        if (string.IsNullOrWhiteSpace(command.SubjectType)) errors["subjectType"] = ["Say what is to be approved (overtime, expedite, deviation…)."];
        if (string.IsNullOrWhiteSpace(command.Reason)) errors["reason"] = ["Say why."];
        if (command.Currency is { Length: not 3 }) errors["currency"] = ["Use an ISO 4217 code such as USD."];
        return errors;
    }
}
