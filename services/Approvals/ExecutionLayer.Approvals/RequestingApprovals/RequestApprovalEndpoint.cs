using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Approvals.RequestingApprovals;

/// <summary>
/// Asks for a decision. <see cref="RequestId"/> is the caller's idempotency key: posting it again returns
/// the request already made. <see cref="DecisionContext"/> is stored with the request, as given.
/// </summary>
public sealed record RequestApprovalBody(
    Guid? RequestId, Subject? Subject, string? Site, decimal? Amount, string? Currency, string? Severity, string? Requester, string? Reason,
    string? CorrelationId, JsonElement DecisionContext, IReadOnlyList<FollowUp>? FollowUps);

public sealed record StageSummary(int Index, string Name, int Level, IReadOnlyList<string> Approvers, int Required, DateTimeOffset DueAt);

public sealed record ApprovalAccepted(Guid ApprovalId, string Status, string PolicyId, int PolicyVersion, StageSummary? Stage, DateTimeOffset ExpiresAt, long Version);

public static class RequestApprovalEndpoint
{
    private static readonly string[] Severities = ["low", "medium", "high", "critical"];

    public static IEndpointRouteBuilder MapRequestApproval(this IEndpointRouteBuilder app)
    {
        app.MapPost("/approvals", async (RequestApprovalBody body, HttpContext http, Caller caller, EventStore store, RequestApprovalHandler handler, ApprovalsOptions options,
            CancellationToken ct) =>
        {
            var errors = Validate(body, options);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid approval request");
            if (!caller.Sees(body.Site))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not request approvals at {body.Site}.");

            var approvalId = body.RequestId is { } requestId ? RequestApproval.IdFor(requestId) : Guid.CreateVersion7(store.Clock.GetUtcNow());
            var command = new RequestApproval(approvalId, body.Subject!, body.Site!, body.Amount, body.Currency?.ToUpperInvariant(), body.Severity?.ToLowerInvariant(),
                body.Requester!, body.Reason!, body.CorrelationId, null, body.DecisionContext.Clone(), body.FollowUps ?? []);
            await using var uow = await store.BeginAsync(ct);
            var written = await handler.HandleAsync(uow, command, new EventMetadata(CausationId: http.GetCorrelationId(), Actor: body.Requester), refuseUnroutable: false, ct);
            await uow.CommitAsync(ct);

            var accepted = Accepted(written);
            return written.Events.Count > 0 ? Results.Created($"/approvals/{approvalId}", accepted) : Results.Ok(accepted);
        }).WithName("RequestApproval");
        return app;
    }

    public static ApprovalAccepted Accepted(Decided<ApprovalRequest> written)
    {
        var s = written.State;
        var stage = s.Stage is { } st ? new StageSummary(st.Index, st.Name, st.Level, st.Approvers, st.Required, st.DueAt) : null;
        return new ApprovalAccepted(s.Id, s.Status.ToString(), s.PolicyId, s.PolicyVersion, stage, s.ExpiresAt, written.Version);
    }

    private static Dictionary<string, string[]> Validate(RequestApprovalBody body, ApprovalsOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.RequestId == Guid.Empty) errors["requestId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
        if (body.Subject is null || string.IsNullOrWhiteSpace(body.Subject.Type) || string.IsNullOrWhiteSpace(body.Subject.Id))
            errors["subject"] = ["Give the subject's type and id, e.g. {\"type\": \"overtime\", \"id\": \"OH-DAYTON/2026-11-28\"}."];
        else if (body.Subject.Type.Length > 100 || body.Subject.Id.Length > 200) errors["subject"] = ["Type at most 100 characters, id at most 200."];
        if (body.Site is null || !options.Sites.Contains(body.Site)) errors["site"] = [$"One of {string.Join(", ", options.Sites)}."];
        if (body.Amount is null && body.Severity is null) errors["amount"] = ["Give an amount with its currency, or a severity."];
        if (body.Amount is <= 0) errors["amount"] = ["Must be positive."];
        if (body.Amount is not null && body.Currency is not { Length: 3 }) errors["currency"] = ["Use an ISO 4217 code such as USD."];
        if (body.Severity is not null && !Severities.Contains(body.Severity.ToLowerInvariant())) errors["severity"] = [$"One of {string.Join(", ", Severities)}."];
        if (string.IsNullOrWhiteSpace(body.Requester)) errors["requester"] = ["Say who asks."];
        if (string.IsNullOrWhiteSpace(body.Reason)) errors["reason"] = ["Say why."];
        if (body.DecisionContext.ValueKind != JsonValueKind.Object)
            errors["decisionContext"] = ["Give the data the decision relies on as an object (impact, inventory position, supplier commitment…)."];
        if (body.FollowUps is { } followUps && followUps.Any(f => f is null || string.IsNullOrWhiteSpace(f.Title) || string.IsNullOrWhiteSpace(f.Owner) || f.DueInDays is < 1 or > 365))
            errors["followUps"] = ["Each follow-up needs a title, an owner and dueInDays between 1 and 365."];
        return errors;
    }
}
