using System.ComponentModel.DataAnnotations;
using System.Text.Json;
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
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>
/// Asks for a decision. The requester is the signed caller — or, for a client holding act-on-behalf (an
/// ERP posting a buyer's request), the person in <see cref="OnBehalfOf"/> — and is never among the
/// approvers. <see cref="RequestId"/> is the caller's idempotency key: posting it again returns the
/// request already made. <see cref="DecisionContext"/> is stored with the request, as given; its size is
/// bounded by the route's body limit. <see cref="LiveContextUrl"/> is where the context now can be read, so an approver sees what
/// changed since (a case's request needs none: the case answers); its origin must be one the operator allows.
/// </summary>
public sealed record RequestApprovalBody(
    Subject Subject, string Site, [FreeText] string Reason, JsonElement DecisionContext, Guid? RequestId = null, decimal? Amount = null,
    string? Currency = null, string? Severity = null, [MaxLength(128)] string? CorrelationId = null, IReadOnlyList<FollowUp>? FollowUps = null,
    string? OnBehalfOf = null, [MaxLength(2048)] string? LiveContextUrl = null) : IMayActOnBehalf;

public sealed record StageSummary(int Index, string Name, int Level, IReadOnlyList<string> Approvers, int Required, DateTimeOffset DueAt);

public sealed record ApprovalAccepted(Guid ApprovalId, ApprovalStatus Status, string PolicyId, int PolicyVersion, StageSummary? Stage, DateTimeOffset ExpiresAt, long Version);

/// <summary>What requesting an approval needs: the request's caller and correlation, the store, the handler and the configured sites.</summary>
public sealed record RequestApprovalServices(HttpContext Http, ServiceStore Store, RequestApprovalHandler Handler, SiteCatalog Sites, ApprovalsOptions Options)
{
    public Caller Caller => Caller.Of(Http);
}

public static class RequestApprovalApi
{
    private static readonly string[] Severities = ["low", "medium", "high", "critical"];

    public static IEndpointRouteBuilder MapRequestApprovalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/approvals", RequestAsync).WithTags("Approvals")
            .Describe("RequestApproval", "Ask for a decision, routed by the policy in force (idempotent on requestId)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>201 with the routed request; 200 with the one already made when the requestId was posted before.</summary>
    public static async Task<Results<Created<ApprovalAccepted>, Ok<ApprovalAccepted>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        RequestApprovalBody body, [AsParameters] RequestApprovalServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var site = await services.Sites.FindAsync(body.Site, ct);
        var errors = Validate(body, site is null ? await services.Sites.UnknownAsync([body.Site], ct) : null, services.Options);
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid approval request");
        if (!caller.Sees(body.Site)) return Problem.Forbidden($"This caller may not request approvals at {body.Site}.");
        // An amount without a currency is in the site's (the registry's default for it).
        var currency = body.Amount is null ? body.Currency?.ToUpperInvariant() : body.Currency?.ToUpperInvariant() ?? site!.Currency;

        var approvalId = body.RequestId is { } requestId ? RequestApproval.IdFor(requestId) : Guid.CreateVersion7(store.Clock.GetUtcNow());
        var command = new RequestApproval(approvalId, body.Subject, body.Site, body.Amount, currency, body.Severity?.ToLowerInvariant(),
            caller.Person, body.Reason.Trim(), body.CorrelationId, null, body.DecisionContext.Clone(), body.FollowUps ?? [],
            RequestedBy: caller.OnBehalfOf is null ? null : caller.Actor, LiveContextUrl: body.LiveContextUrl is { } url ? new Uri(url) : null);
        await using var tx = await store.BeginAsync(ct);
        var written = await services.Handler.HandleAsync(tx, command, Provenance.Of(caller, services.Http.GetCorrelationId()), refuseUnroutable: false, ct);
        await tx.CommitAsync(ct);

        var accepted = Accepted(written);
        return written.Events.Count > 0 ? TypedResults.Created($"/approvals/{approvalId}", accepted) : TypedResults.Ok(accepted);
    }

    public static ApprovalAccepted Accepted(Decided<ApprovalRequest, ApprovalRequest.Event> written)
    {
        var s = written.State;
        var stage = s.Stage is { } st ? new StageSummary(st.Index, st.Name, st.Level, st.Approvers, st.Required, st.DueAt) : null;
        return new ApprovalAccepted(s.Id, s.Status, s.PolicyId, s.PolicyVersion, stage, s.ExpiresAt, written.Version);
    }

    private static Dictionary<string, string[]> Validate(RequestApprovalBody body, string? siteProblem, ApprovalsOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.RequestId == Guid.Empty) errors["requestId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
        if (string.IsNullOrWhiteSpace(body.Subject.Type) || string.IsNullOrWhiteSpace(body.Subject.Id))
            errors["subject"] = ["Give the subject's type and id, e.g. {\"type\": \"overtime\", \"id\": \"OH-DAYTON/2026-11-28\"}."];
        else if (body.Subject.Type.Length > 100) errors["subject.type"] = ["At most 100 characters."];
        if (siteProblem is not null) errors["site"] = [siteProblem];
        if (body.Amount is null && body.Severity is null) errors["amount"] = ["Give an amount with its currency, or a severity."];
        if (body.Amount is <= 0) errors["amount"] = ["Must be positive."];
        if (body.Currency is not null && body.Currency.Length != 3) errors["currency"] = ["Use an ISO 4217 code such as USD, or leave it out for the site's currency."];
        if (body.Severity is not null && !Severities.Contains(body.Severity.ToLowerInvariant())) errors["severity"] = [$"One of {string.Join(", ", Severities)}."];
        if (string.IsNullOrWhiteSpace(body.Reason)) errors["reason"] = ["Say why."];
        if (body.DecisionContext.ValueKind != JsonValueKind.Object)
            errors["decisionContext"] = ["Give the data the decision relies on as an object (impact, inventory position, supplier commitment…)."];
        if (body.FollowUps is { } followUps && (followUps.Count > 20 || followUps.Any(f => f is null || string.IsNullOrWhiteSpace(f.Title) || string.IsNullOrWhiteSpace(f.Owner) || f.DueInDays is < 1 or > 365)))
            errors["followUps"] = ["At most 20, each with a title, an owner and dueInDays between 1 and 365."];
        if (body.LiveContextUrl is { } link && !(Uri.TryCreate(link, UriKind.Absolute, out var url) && options.AllowsLiveContextAt(url)))
            errors["liveContextUrl"] = [options.LiveContextOrigins.Length == 0
                ? "This deployment accepts no live-context links (Approvals:LiveContextOrigins is empty); leave it out."
                : $"An absolute http(s) URL under one of the allowed origins: {string.Join(", ", options.LiveContextOrigins)}."];
        return errors;
    }
}
