using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

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

/// <summary>What asking for a case's approval needs: the request (its caller, as the on-behalf filter leaves it, and correlation), the store and the case writer.</summary>
public sealed record RequestCaseApprovalServices(HttpContext Http, ServiceStore Store, CaseWriter Cases)
{
    public Caller Caller => Caller.Of(Http);
}

public static class RequestCaseApprovalApi
{
    public static IEndpointRouteBuilder MapRequestCaseApprovalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/exceptions/{caseId:guid}/approval-requests", RequestAsync).WithTags("Exception cases")
            .Describe("RequestCaseApproval", "Ask for a decision the case's response needs (idempotent on requestId)").CommandProblems();
        return app;
    }

    public static async Task<Results<Created<ApprovalRequestAccepted>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        Guid caseId, RequestApproval command, [AsParameters] RequestCaseApprovalServices services, CancellationToken ct)
    {
        var errors = Validate(command);
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid approval request");

        var caller = services.Caller;
        var subjectId = string.IsNullOrWhiteSpace(command.SubjectId) ? $"case-{caseId}" : command.SubjectId;
        var provenance = Provenance.Of(caller, services.Http.GetCorrelationId());
        var requestedBy = caller.OnBehalfOf is null ? null : caller.Actor;
        await using var tx = await services.Store.BeginAsync(ct);
        if (await services.Cases.SiteOfAsync(tx, caseId, ct) is not { } site || !caller.Sees(site)) return Problem.NotFound($"No exception case {caseId}.");
        var now = services.Store.Clock.GetUtcNow();
        var decided = await services.Cases.DecideAsync(tx, caseId, provenance, ct, s => CaseDecisions.RequestApproval(
            s, command.RequestId, command.SubjectType, subjectId, command.Amount, command.Currency, caller.Person, requestedBy, command.Reason.Trim(), now));
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/exceptions/{caseId}", new ApprovalRequestAccepted(caseId, command.RequestId, command.SubjectType, subjectId, decided.Version));
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
