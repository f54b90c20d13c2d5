using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Actions.CreatingActions;

/// <param name="RequestId">The caller's idempotency key: posting it again returns the action already made.</param>
/// <param name="VerifierRole">Who may verify the closure; the site's default verifier role when left out.</param>
/// <param name="Objectives">Objectives the action serves directly (besides those it serves through its KPIs): ids of objectives in force at its site or the company's.</param>
public sealed record CreateActionBody(
    [MaxLength(300)] string Title, string Owner, DateTimeOffset Due, string Site,
    Guid? RequestId = null, [FreeText] string? Description = null, Priority? Priority = null, [MaxLength(100)] string? Department = null,
    SourceKind? SourceKind = null, string? SourceReference = null, IReadOnlyList<string>? Kpis = null, Perspective? Perspective = null,
    IReadOnlyList<string>? RootCauseTags = null, EvidenceKind? RequiredEvidence = null, string? VerifierRole = null, int? VerificationWindowDays = null,
    [MaxLength(128)] string? CorrelationId = null, string? OnBehalfOf = null, IReadOnlyList<string>? Objectives = null) : IMayActOnBehalf;

/// <summary>What creating an action needs: who asks (and for the correlation), the store, the handler, the sites' rules and the configured sites.</summary>
public sealed record CreateActionServices(
    HttpContext Http, ServiceStore Store, CreateActionHandler Handler, SiteDirectory Sites, SiteCatalog Registry, Objectives.ObjectiveRegistry Objectives)
{
    public Caller Caller => Caller.Of(Http);
}

public static partial class CreateActionApi
{
    public static IEndpointRouteBuilder MapCreateActionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/actions", CreateAsync).WithTags("Actions")
            .Describe("CreateAction", "Create an action with one owner and a due date (idempotent on requestId)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>201 with the new action; 200 with the one already made when the requestId was posted before.</summary>
    public static async Task<Results<Created<ActionView>, Ok<ActionView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateActionBody body, [AsParameters] CreateActionServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var actor = caller.Person;
        var errors = Validate(body, await services.Registry.UnknownAsync([body.Site], ct));
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid action");
        if (!caller.Sees(body.Site)) return Problem.Forbidden($"This caller may not create actions at {body.Site}.");

        var kind = body.SourceKind ?? SourceKind.Manual;
        var reference = string.IsNullOrWhiteSpace(body.SourceReference) ? actor : body.SourceReference.Trim();
        var actionId = body.RequestId is { } requestId ? DeterministicId.From($"action|api|{requestId}") : Guid.CreateVersion7(store.Clock.GetUtcNow());
        await using var tx = await store.BeginAsync(ct);
        var serves = Normalized(body.Objectives);
        if (await services.Objectives.NotServableAsync(tx, serves, body.Site, ct) is { Count: > 0 } unknown)
            return Problem.RuleViolated($"No objective in force at {body.Site} or the company's: {string.Join(", ", unknown)}.", "unknown-objective");
        var rules = await services.Sites.RulesAsync(tx.Transaction, body.Site, ct);
        var command = new CreateAction(actionId, body.Title.Trim(), body.Description, body.Owner.Trim(), body.Due, body.Priority ?? Priority.P3,
            body.Site, body.Department, kind, reference, Normalized(body.Kpis), body.Perspective, Normalized(body.RootCauseTags),
            body.RequiredEvidence ?? EvidenceKind.Text, body.VerifierRole ?? rules.DefaultVerifierRole,
            body.VerificationWindowDays ?? rules.VerificationWindowDays, body.CorrelationId, actor, serves);
        var written = await services.Handler.HandleAsync(tx, command, Provenance.Of(caller, services.Http.GetCorrelationId()), ct);
        await tx.CommitAsync(ct);

        var view = ActionView.Of(written);
        IfMatch.SetETag(services.Http.Response, written.Version);
        return written.Events.Count > 0 ? TypedResults.Created($"/actions/{actionId}", view) : TypedResults.Ok(view);
    }

    /// <summary>KPI codes and root-cause tags compare case-insensitively; they are kept lower-case and without repeats.</summary>
    public static IReadOnlyList<string> Normalized(IReadOnlyList<string>? values) =>
        values is null ? [] : [.. values.Select(v => v.Trim().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)];

    private static Dictionary<string, string[]> Validate(CreateActionBody body, string? siteProblem)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.RequestId == Guid.Empty) errors["requestId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
        if (string.IsNullOrWhiteSpace(body.Title)) errors["title"] = ["Say what is to be done."];
        if (string.IsNullOrWhiteSpace(body.Owner)) errors["owner"] = ["Name the one person who owns it."];
        if (siteProblem is not null) errors["site"] = [siteProblem];
        if (body.Kpis is { } kpis && (kpis.Count > 20 || kpis.Any(k => k is null || !Code().IsMatch(k.Trim().ToLowerInvariant()))))
            errors["kpis"] = ["At most 20 KPI codes at the action's site (lower-case letters, digits, '-', e.g. scrap-rate)."];
        if (body.RootCauseTags is { } tags && (tags.Count > 20 || tags.Any(t => t is null || !Code().IsMatch(t.Trim().ToLowerInvariant()))))
            errors["rootCauseTags"] = ["At most 20 tags (lower-case letters, digits, '-', e.g. spindle-bearing)."];
        if (body.VerifierRole is { } role && !Code().IsMatch(role)) errors["verifierRole"] = ["A role such as quality-lead."];
        if (body.Objectives is { } objectives && (objectives.Count > 10 || objectives.Any(o => o is null || !Code().IsMatch(o.Trim().ToLowerInvariant()))))
            errors["objectives"] = ["At most 10 objective ids (on-time-delivery-2026)."];
        if (body.VerificationWindowDays is < 1 or > 365) errors["verificationWindowDays"] = ["From 1 to 365 days."];
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex Code();
}
