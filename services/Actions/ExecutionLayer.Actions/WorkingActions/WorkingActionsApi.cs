using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.WorkingActions;

/// <summary>What every lifecycle command needs: the request (its caller, If-Match and abort) and the runner.</summary>
public sealed record ActionCommandServices(HttpContext Http, ActionCommandRunner Run);

/// <summary>
/// The lifecycle of an action, one route per command: each decides as the signed caller (or the person
/// it acts for) on the version it read (If-Match), and answers with the action and its new ETag.
/// Lengths and characters are the input policy's; what is left here is what the policy cannot know.
/// </summary>
public static class WorkingActionsApi
{
    public static IEndpointRouteBuilder MapWorkingActionsApi(this IEndpointRouteBuilder app)
    {
        var action = app.MapGroup("/actions/{actionId:guid}").WithTags("Actions");
        action.MapPost("/assign", AssignAsync).Describe("AssignAction", "Give the action to another owner").CommandProblems();
        action.MapPost("/start", StartAsync).Describe("StartAction", "The owner starts work").CommandProblems();
        action.MapPost("/block", BlockAsync).Describe("BlockAction", "Say the action is blocked, and why").CommandProblems();
        action.MapPost("/progress", NoteProgressAsync).Describe("NoteActionProgress", "Note what moved, with a percentage").CommandProblems();
        action.MapPost("/due-date", ChangeDueAsync).Describe("ChangeActionDueDate", "Move the due date, with a reason (counted)").CommandProblems();
        action.MapPost("/claim", ClaimCompletionAsync).Describe("ClaimActionCompletion", "Claim completion with the evidence the action requires").CommandProblems();
        action.MapPost("/verify", VerifyAsync).Describe("VerifyActionClosure", "The verifier role confirms the closure").CommandProblems();
        action.MapPost("/reject-claim", RejectClaimAsync).Describe("RejectActionClaim", "The verifier role sends a claim back, with a reason").CommandProblems();
        action.MapPost("/cancel", CancelAsync).Describe("CancelAction", "Cancel the action, with a reason").CommandProblems();
        action.MapPost("/reopen", ReopenAsync).Describe("ReopenAction", "Reopen a closed or cancelled action, with a reason").CommandProblems();
        return app;
    }

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> AssignAsync(
        Guid actionId, AssignBody body, [AsParameters] ActionCommandServices services) =>
        Blank(body.Owner, "owner", "Name the new owner.") is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.Assign(s, body.Owner.Trim(), actor, now));

    public static async Task<Ok<ActionView>> StartAsync(
        Guid actionId, [AsParameters] ActionCommandServices services, ActingBody? body = null) =>
        await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.Start(s, actor, now));

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> BlockAsync(
        Guid actionId, ReasonBody body, [AsParameters] ActionCommandServices services) =>
        NoReason(body.Reason) is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.Block(s, body.Reason.Trim(), actor, now));

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> NoteProgressAsync(
        Guid actionId, ProgressBody body, [AsParameters] ActionCommandServices services)
    {
        if (Blank(body.Note, "note", "Say what moved.") is { } invalid) return invalid;
        if (body.PercentComplete is < 0 or > 100) return Problem.Invalid("percentComplete", "From 0 to 100.", "Invalid command");
        return await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.NoteProgress(s, body.Note.Trim(), body.PercentComplete, actor, now));
    }

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> ChangeDueAsync(
        Guid actionId, ChangeDueBody body, [AsParameters] ActionCommandServices services) =>
        NoReason(body.Reason) is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.ChangeDue(s, body.Due, body.Reason.Trim(), actor, now));

    public static async Task<Ok<ActionView>> ClaimCompletionAsync(
        Guid actionId, ClaimBody body, [AsParameters] ActionCommandServices services) =>
        await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.ClaimCompletion(s, body.Evidence, actor, now));

    public static async Task<Ok<ActionView>> VerifyAsync(
        Guid actionId, [AsParameters] ActionCommandServices services, ActingBody? body = null) =>
        await services.Run.RunAsync(services.Http, actionId, (s, actor, rules, now) => ActionDecisions.Verify(s, actor, rules.Holds(actor, s.VerifierRole), now));

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> RejectClaimAsync(
        Guid actionId, ReasonBody body, [AsParameters] ActionCommandServices services) =>
        NoReason(body.Reason) is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId,
            (s, actor, rules, now) => ActionDecisions.RejectClaim(s, body.Reason.Trim(), actor, rules.Holds(actor, s.VerifierRole), now));

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> CancelAsync(
        Guid actionId, ReasonBody body, [AsParameters] ActionCommandServices services) =>
        NoReason(body.Reason) is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.Cancel(s, body.Reason.Trim(), actor, now));

    public static async Task<Results<Ok<ActionView>, ValidationProblem>> ReopenAsync(
        Guid actionId, ReasonBody body, [AsParameters] ActionCommandServices services) =>
        NoReason(body.Reason) is { } invalid ? invalid
        : await services.Run.RunAsync(services.Http, actionId, (s, actor, _, now) => ActionDecisions.Reopen(s, body.Reason.Trim(), actor, now));

    private static ValidationProblem? NoReason(string reason) => Blank(reason, "reason", "Say why.");

    private static ValidationProblem? Blank(string value, string field, string message) =>
        string.IsNullOrWhiteSpace(value) ? Problem.Invalid(field, message, "Invalid command") : null;
}
