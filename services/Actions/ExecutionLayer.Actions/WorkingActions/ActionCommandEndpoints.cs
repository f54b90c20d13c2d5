using ExecutionLayer.Actions.Items;

namespace ExecutionLayer.Actions.WorkingActions;

/// <summary>
/// The lifecycle of an action, one endpoint per command: each decides as the signed caller (or the
/// person it acts for) on the version it read (If-Match), and answers with the action and its new ETag.
/// Lengths and characters are the input policy's; what is left here is what the policy cannot know.
/// </summary>
public static class ActionCommandEndpoints
{
    public static IEndpointRouteBuilder MapActionCommands(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/actions/{actionId:guid}");
        actions.MapPost("/assign", (Guid actionId, AssignBody body, HttpContext http, ActionCommandRunner run) =>
            Blank(body.Owner, "owner", "Name the new owner.")
            ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Assign(s, body.Owner.Trim(), actor, now)));
        actions.MapPost("/start", (Guid actionId, HttpContext http, ActionCommandRunner run, ActingBody? body = null) =>
            run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Start(s, actor, now)));
        actions.MapPost("/block", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body.Reason) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Block(s, body.Reason.Trim(), actor, now)));
        actions.MapPost("/progress", (Guid actionId, ProgressBody body, HttpContext http, ActionCommandRunner run) =>
            Blank(body.Note, "note", "Say what moved.")
            ?? (body.PercentComplete is < 0 or > 100 ? Invalid("percentComplete", "From 0 to 100.")
            : run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.NoteProgress(s, body.Note.Trim(), body.PercentComplete, actor, now))));
        actions.MapPost("/due-date", (Guid actionId, ChangeDueBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body.Reason) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.ChangeDue(s, body.Due, body.Reason.Trim(), actor, now)));
        actions.MapPost("/claim", (Guid actionId, ClaimBody body, HttpContext http, ActionCommandRunner run) =>
            run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.ClaimCompletion(s, body.Evidence, actor, now)));
        actions.MapPost("/verify", (Guid actionId, HttpContext http, ActionCommandRunner run, ActingBody? body = null) =>
            run.RunAsync(http, actionId, (s, actor, rules, now) => ActionDecisions.Verify(s, actor, rules.Holds(actor, s.VerifierRole), now)));
        actions.MapPost("/reject-claim", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body.Reason) ?? run.RunAsync(http, actionId, (s, actor, rules, now) => ActionDecisions.RejectClaim(s, body.Reason.Trim(), actor, rules.Holds(actor, s.VerifierRole), now)));
        actions.MapPost("/cancel", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body.Reason) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Cancel(s, body.Reason.Trim(), actor, now)));
        actions.MapPost("/reopen", (Guid actionId, ReasonBody body, HttpContext http, ActionCommandRunner run) =>
            Reason(body.Reason) ?? run.RunAsync(http, actionId, (s, actor, _, now) => ActionDecisions.Reopen(s, body.Reason.Trim(), actor, now)));
        return app;
    }

    private static Task<IResult>? Reason(string reason) => Blank(reason, "reason", "Say why.");

    private static Task<IResult>? Blank(string value, string field, string message) => string.IsNullOrWhiteSpace(value) ? Invalid(field, message) : null;

    private static Task<IResult> Invalid(string field, string message) =>
        Task.FromResult(Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid command"));
}
