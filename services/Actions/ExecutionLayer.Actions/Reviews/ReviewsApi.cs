using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Actions.WorkingActions;
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

namespace ExecutionLayer.Actions.Reviews;

public sealed record OpenReviewBody(ReviewKind Kind, string Site, IReadOnlyList<string> Attendees, Guid? ReviewId = null, string? Title = null,
    string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>A decision and the action it becomes (its owner and due date are required: a decision without them is a wish).</summary>
public sealed record RecordDecisionBody([FreeText] string Text, string Owner, DateTimeOffset Due, Guid? DecisionId = null, Priority? Priority = null,
    IReadOnlyList<string>? Kpis = null, Perspective? Perspective = null, IReadOnlyList<string>? RootCauseTags = null, EvidenceKind? RequiredEvidence = null,
    string? VerifierRole = null, [MaxLength(100)] string? Department = null, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>A decision as the review recorded it, and the action it became.</summary>
public sealed record DecisionRecorded(Guid ReviewId, ReviewDecision Decision, ActionItem Action);

public sealed record ReviewView(Guid ReviewId, long Version, Review State);

/// <summary>What the review routes need: the request (caller, correlation, If-Match), the store, the review index and the agenda.</summary>
public sealed record ReviewsServices(HttpContext Http, ServiceStore Store, ReviewIndex Index, AgendaBuilder Agenda)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// Business reviews: opened with the site's red and amber KPIs and what the last review of the kind left
/// open, decisions recorded as owned and dated actions, closed with minutes that say what became of each.
/// </summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var reviews = app.MapGroup("/reviews").WithTags("Reviews");
        reviews.MapPost("", OpenAsync).Describe("OpenReview", "Open a review with its agenda (idempotent on reviewId)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        reviews.MapPost("/{reviewId:guid}/decisions", RecordDecisionAsync).Describe("RecordReviewDecision", "Record a decision and create the action it becomes")
            .CommandProblems();
        reviews.MapPost("/{reviewId:guid}/close", CloseAsync).Describe("CloseReview", "Close the review and write its minutes").CommandProblems();
        reviews.MapGet("/{reviewId:guid}", GetAsync).Describe("GetReview", "One review with its agenda and decisions").Problems(StatusCodes.Status404NotFound);
        reviews.MapGet("/{reviewId:guid}/minutes", GetMinutesAsync).Describe("GetReviewMinutes", "The minutes as stored at the close, as JSON or Markdown")
            .QueryValues("format", "json", "markdown")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown").Problems(StatusCodes.Status404NotFound);
        reviews.MapGet("", ListAsync).Describe("ListReviews", "The latest 200 reviews, newest first");
        return app;
    }

    /// <summary>201 with the opened review; 200 with it when its reviewId was opened before.</summary>
    public static async Task<Results<Created<Review>, Ok<Review>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        OpenReviewBody body, SiteCatalog sites, [AsParameters] ReviewsServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var errors = new Dictionary<string, string[]>();
        if (body.ReviewId == Guid.Empty) errors["reviewId"] = ["Leave it out or give a UUID you keep."];
        if (await sites.UnknownAsync([body.Site], ct) is { } unknown) errors["site"] = [unknown];
        if (!caller.Sees(body.Site)) return Problem.Forbidden($"This caller may not hold reviews at {body.Site}.");
        if (body.Attendees is not { Count: > 0 and <= 100 } attendees || attendees.Any(string.IsNullOrWhiteSpace))
            errors["attendees"] = ["From 1 to 100 people."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid review");

        var now = store.Clock.GetUtcNow();
        var reviewId = body.ReviewId ?? Guid.CreateVersion7(now);
        var command = new OpenReview(reviewId, body.Kind, body.Site, body.Title?.Trim() ?? $"{body.Kind} review {now:yyyy-MM-dd}",
            [.. body.Attendees.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)], caller.Person);
        await using var tx = await store.BeginAsync(ct);
        var (previous, carried) = await services.Agenda.CarriedOverAsync(tx.Transaction, command, ct);
        var kpis = await services.Agenda.KpisAsync(command.Site, ct);
        var red = await services.Agenda.RedObjectivesAsync(command.Site, ct);
        var written = await tx.DecideAsync(Review.StreamId(reviewId), null, (Review s) => ReviewDecisions.Open(s, command, previous, kpis, carried, now, red),
            _ => Metadata(services, command.Site, reviewId), ct);
        if (written.Events.Count > 0) await services.Index.OpenedAsync(tx.Transaction, written.State, now, ct);
        await tx.CommitAsync(ct);
        IfMatch.SetETag(services.Http.Response, written.Version);
        return written.Events.Count > 0 ? TypedResults.Created($"/reviews/{reviewId}", written.State) : TypedResults.Ok(written.State);
    }

    public static async Task<Results<Ok<DecisionRecorded>, ValidationProblem, ProblemHttpResult>> RecordDecisionAsync(
        Guid reviewId, RecordDecisionBody body, CreateActionHandler actions, SiteDirectory sites, [AsParameters] ReviewsServices services, CancellationToken ct)
    {
        var (caller, store) = (services.Caller, services.Store);
        var errors = new Dictionary<string, string[]>();
        if (body.DecisionId == Guid.Empty) errors["decisionId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
        if (string.IsNullOrWhiteSpace(body.Text)) errors["text"] = ["Say what was decided."];
        if (string.IsNullOrWhiteSpace(body.Owner)) errors["owner"] = ["Name the person who owns the resulting action."];
        if (body.Kpis is { } k && k.Any(x => x is null || !CreateActionApi.Code().IsMatch(x.Trim().ToLowerInvariant()))) errors["kpis"] = ["KPI codes such as scrap-rate."];
        if (body.RootCauseTags is { } t && t.Any(x => x is null || !CreateActionApi.Code().IsMatch(x.Trim().ToLowerInvariant()))) errors["rootCauseTags"] = ["Tags such as spindle-bearing."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid decision");

        var now = store.Clock.GetUtcNow();
        var decisionId = body.DecisionId ?? Guid.CreateVersion7(now);
        await using var tx = await store.BeginAsync(ct);
        var review = (await tx.LoadAsync<Review>(Review.StreamId(reviewId), ct)).State;
        if (review.Status == ReviewStatus.None || !caller.Sees(review.Site)) return Problem.NotFound($"No review {reviewId}.");
        if (review.Status != ReviewStatus.Open) return Problem.NotNow("This review is closed.");
        var rules = await sites.RulesAsync(tx.Transaction, review.Site, ct);
        var create = new CreateAction(DeterministicId.From($"review|{reviewId}|{decisionId}"), body.Text.Trim(), null, body.Owner.Trim(), body.Due,
            body.Priority ?? Priority.P3, review.Site, body.Department, SourceKind.Meeting, reviewId.ToString(), CreateActionApi.Normalized(body.Kpis),
            body.Perspective, CreateActionApi.Normalized(body.RootCauseTags), body.RequiredEvidence ?? EvidenceKind.Text,
            body.VerifierRole ?? rules.DefaultVerifierRole, rules.VerificationWindowDays, $"review-{reviewId}", caller.Person);
        var metadata = Metadata(services, review.Site, reviewId);
        var action = await actions.HandleAsync(tx, create, metadata, ct);
        var decision = new ReviewDecision(decisionId, create.Title, create.ActionId, create.Owner, create.Due, caller.Person, now);
        var written = await tx.DecideAsync(Review.StreamId(reviewId), null, (Review s) => ReviewDecisions.RecordDecision(s, decision), _ => metadata, ct);
        if (written.Events.Count > 0) await services.Index.DecidedAsync(tx.Transaction, reviewId, create.ActionId, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new DecisionRecorded(reviewId, decision, action.State));
    }

    public static async Task<Results<Ok<Minutes>, ProblemHttpResult>> CloseAsync(
        Guid reviewId, SiteCatalog sites, [AsParameters] ReviewsServices services, CancellationToken ct, ActingBody? body = null)
    {
        var (caller, store) = (services.Caller, services.Store);
        var now = store.Clock.GetUtcNow();
        await using var tx = await store.BeginAsync(ct);
        var review = (await tx.LoadAsync<Review>(Review.StreamId(reviewId), ct)).State;
        if (review.Site is not { } site || !caller.Sees(site)) return Problem.NotFound($"No review {reviewId}.");
        var ids = review.CarriedOver.Select(a => a.ActionId).Concat(review.Decisions.Select(d => d.ActionId)).ToArray();
        var actionsNow = await services.Agenda.ActionsAsync(tx.Transaction, ids, ct);
        var zone = (await sites.FindAsync(site, ct))?.Zone ?? TimeZoneInfo.Utc;
        var written = await tx.DecideAsync(Review.StreamId(reviewId), IfMatch.ExpectedVersion(services.Http.Request),
            (Review s) => ReviewDecisions.Close(s, actionsNow, caller.Person, now, zone), _ => Metadata(services, review.Site, reviewId), ct);
        await services.Index.ClosedAsync(tx.Transaction, reviewId, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(written.State.Minutes!);
    }

    public static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> GetAsync(Guid reviewId, [AsParameters] ReviewsServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<Review>(Review.StreamId(reviewId), ct);
        return loaded.Exists && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(new ReviewView(reviewId, loaded.Version, loaded.State))
            : Problem.NotFound($"No review {reviewId}.");
    }

    /// <param name="format"><c>markdown</c> for the Markdown text (as <c>Accept: text/markdown</c> asks); JSON otherwise.</param>
    public static async Task<Results<Ok<Minutes>, ContentHttpResult, ProblemHttpResult>> GetMinutesAsync(
        Guid reviewId, string? format, [AsParameters] ReviewsServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<Review>(Review.StreamId(reviewId), ct);
        if (loaded.Exists && !services.Caller.Sees(loaded.State.Site)) return Problem.NotFound($"No review {reviewId}.");
        if (loaded.State.Minutes is not { } minutes) return Problem.NotFound(loaded.Exists ? "The review has not closed yet." : $"No review {reviewId}.");
        var markdown = format == "markdown" || services.Http.Request.Headers.Accept.ToString().Contains("text/markdown", StringComparison.OrdinalIgnoreCase);
        return markdown ? TypedResults.Text(minutes.Markdown, "text/markdown; charset=utf-8") : TypedResults.Ok(minutes);
    }

    public static async Task<Ok<List<ReviewSummary>>> ListAsync(string? site, ReviewKind? kind, [AsParameters] ReviewsServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Index.ListAsync(site, kind, services.Caller.SiteFilter, ct));

    private static Provenance Metadata(ReviewsServices services, string site, Guid reviewId) =>
        Provenance.Of(services.Caller, services.Http.GetCorrelationId(), site) with { CorrelationId = $"review-{reviewId}" };
}
