using ExecutionLayer.Actions.Items;

namespace ExecutionLayer.Actions.WorkingActions;

/// <summary>
/// The lifecycle of an action, one endpoint per command: each reads who acts from X-Actor and the
/// version it decides on from If-Match, and answers with the action and its new ETag.
/// </summary>
public static class ActionCommandEndpoints
{
    public static IEndpointRouteBuilder MapActionCommands(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/actions/{actionId:guid}");
        actions.MapPost("/assign", (Guid actionId, AssignBody body, HttpContext http, ActionCommandRunner run) =>
            string.IsNullOrWhiteSpace(body.Owner) || body.Owner.Length > 200 ? Invalid("owner", "Name the new owner.")
            : run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Assign(s, body.Owner.Trim(), actor, now)));
        actions.MapPost("/start", (Guid actionId, HttpContext http, ActionCommandRunner run) =>
            run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Start(s, actor, now)));
        actions.MapPost("/block", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Block(s, body.Reason!.Trim(), actor, now)));
        actions.MapPost("/progress", (Guid actionId, ProgressBody body, HttpContext http, ActionCommandRunner run) =>
            string.IsNullOrWhiteSpace(body.Note) || body.Note.Length > 5000 ? Invalid("note", "Say what moved, in at most 5,000 characters.")
            : body.PercentComplete is < 0 or > 100 ? Invalid("percentComplete", "From 0 to 100.")
            : run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.NoteProgress(s, body.Note.Trim(), body.PercentComplete, actor, now)));
        actions.MapPost("/due-date", (Guid actionId, ChangeDueBody body, HttpContext http, ActionCommandRunner run) =>
            body.Due is null ? Invalid("due", "Give the new due date (ISO 8601 with offset).")
            : Reason(new ReasonBody(body.Reason)) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.ChangeDue(s, body.Due.Value, body.Reason!.Trim(), actor, now)));
        actions.MapPost("/claim", (Guid actionId, ClaimBody body, HttpContext http, ActionCommandRunner run) =>
            body.Text is { Length: > 10_000 } || body.DocumentReference is { Length: > 500 } ? Invalid("evidence", "Text at most 10,000 characters, a document reference at most 500.")
            : run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.ClaimCompletion(s, body.Evidence, actor, now)));
        actions.MapPost("/verify", (Guid actionId, HttpContext http, ActionCommandRunner run) =>
            run.RunAsync(http, actionId, (s, actor, rules, now) => ActionDecisions.Verify(s, actor, rules.Holds(actor, s.VerifierRole), now)));
        actions.MapPost("/reject-claim", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body) ?? run.RunAsync(http, actionId, (s, actor, rules, now) => ActionDecisions.RejectClaim(s, body.Reason!.Trim(), actor, rules.Holds(actor, s.VerifierRole), now)));
        actions.MapPost("/cancel", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Cancel(s, body.Reason!.Trim(), actor, now)));
        actions.MapPost("/reopen", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Reopen(s, body.Reason!.Trim(), actor, now)));
        return app;
    }

    private static Task<IResult>? Reason(ReasonBody body) =>
        string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 2000 ? Invalid("reason", "Say why, in at most 2,000 characters.") : null;

    private static Task<IResult> Invalid(string field, string message) =>
        Task.FromResult(Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid command"));
}
