using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.WorkingActions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Actions.Reviews;

public sealed record OpenReviewBody(ReviewKind Kind, string Site, IReadOnlyList<string> Attendees, Guid? ReviewId = null, string? Title = null,
    string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>A decision and the action it becomes (its owner and due date are required: a decision without them is a wish).</summary>
public sealed record RecordDecisionBody([FreeText] string Text, string Owner, DateTimeOffset Due, Guid? DecisionId = null, Priority? Priority = null,
    IReadOnlyList<string>? Kpis = null, Perspective? Perspective = null, IReadOnlyList<string>? RootCauseTags = null, EvidenceKind? RequiredEvidence = null,
    string? VerifierRole = null, [MaxLength(100)] string? Department = null, string? OnBehalfOf = null) : IMayActOnBehalf;

public static class ReviewsEndpoints
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        app.MapPost("/reviews", async (OpenReviewBody body, HttpContext http, Caller caller, ServiceStore store, AgendaBuilder agenda, ActionsOptions options, CancellationToken ct) =>
        {
            var actor = caller.Person;
            var errors = new Dictionary<string, string[]>();
            if (body.ReviewId == Guid.Empty) errors["reviewId"] = ["Leave it out or give a UUID you keep."];
            if (!options.Sites.Contains(body.Site)) errors["site"] = [$"One of {string.Join(", ", options.Sites)}."];
            if (!caller.Sees(body.Site)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not hold reviews at {body.Site}.");
            if (body.Attendees is not { Count: > 0 and <= 100 } attendees || attendees.Any(string.IsNullOrWhiteSpace))
                errors["attendees"] = ["From 1 to 100 people."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid review");

            var now = store.Clock.GetUtcNow();
            var reviewId = body.ReviewId ?? Guid.CreateVersion7(now);
            var command = new OpenReview(reviewId, body.Kind, body.Site, body.Title?.Trim() ?? $"{body.Kind} review {now:yyyy-MM-dd}",
                [.. body.Attendees.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)], actor);
            await using var tx = await store.BeginAsync(ct);
            var (previous, carried) = await agenda.CarriedOverAsync(tx.Transaction, command, ct);
            var kpis = await agenda.KpisAsync(command.Site, ct);
            var written = await tx.DecideAsync(Review.StreamId(reviewId), null, (Review s) => ReviewDecisions.Open(s, command, previous, kpis, carried, now),
                _ => Metadata(http, caller, command.Site, reviewId), ct);
            if (written.Events.Count > 0)
                await Sql.ExecAsync(tx.Transaction, $"""
                    INSERT INTO {store.Schema}.review_index (review_id, site, kind, status, title, opened_at, action_ids) VALUES ($1, $2, $3, 'Open', $4, $5, $6)
                    """, ct, reviewId, command.Site, command.Kind.ToString(), written.State.Title, now, written.State.CarriedOver.Select(a => a.ActionId).ToArray());
            await tx.CommitAsync(ct);
            IfMatch.SetETag(http.Response, written.Version);
            return written.Events.Count > 0 ? Results.Created($"/reviews/{reviewId}", written.State) : Results.Ok(written.State);
        });

        app.MapPost("/reviews/{reviewId:guid}/decisions", async (Guid reviewId, RecordDecisionBody body, HttpContext http, Caller caller, ServiceStore store,
            CreateActionHandler actions, Sites.SiteDirectory sites, CancellationToken ct) =>
        {
            var actor = caller.Person;
            var errors = new Dictionary<string, string[]>();
            if (body.DecisionId == Guid.Empty) errors["decisionId"] = ["Leave it out or give a UUID you keep, so a retry is recognised."];
            if (string.IsNullOrWhiteSpace(body.Text)) errors["text"] = ["Say what was decided."];
            if (string.IsNullOrWhiteSpace(body.Owner)) errors["owner"] = ["Name the person who owns the resulting action."];
            if (body.Kpis is { } k && k.Any(x => x is null || !CreateActionEndpoint.Code().IsMatch(x.Trim().ToLowerInvariant()))) errors["kpis"] = ["KPI codes such as scrap-rate."];
            if (body.RootCauseTags is { } t && t.Any(x => x is null || !CreateActionEndpoint.Code().IsMatch(x.Trim().ToLowerInvariant()))) errors["rootCauseTags"] = ["Tags such as spindle-bearing."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid decision");

            var now = store.Clock.GetUtcNow();
            var decisionId = body.DecisionId ?? Guid.CreateVersion7(now);
            await using var tx = await store.BeginAsync(ct);
            var review = (await tx.LoadAsync<Review>(Review.StreamId(reviewId), ct)).State;
            if (review.Status == ReviewStatus.None || !caller.Sees(review.Site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No review {reviewId}.");
            if (review.Status != ReviewStatus.Open) return Results.Problem(statusCode: 409, title: "Not allowed in the current state", detail: "This review is closed.");
            var rules = await sites.RulesAsync(tx.Transaction, review.Site, ct);
            var create = new CreateAction(DeterministicId.From($"review|{reviewId}|{decisionId}"), body.Text.Trim(), null, body.Owner.Trim(), body.Due,
                body.Priority ?? Priority.P3, review.Site, body.Department, SourceKind.Meeting, reviewId.ToString(), CreateActionEndpoint.Normalized(body.Kpis),
                body.Perspective, CreateActionEndpoint.Normalized(body.RootCauseTags), body.RequiredEvidence ?? EvidenceKind.Text,
                body.VerifierRole ?? rules.DefaultVerifierRole, rules.VerificationWindowDays, $"review-{reviewId}", actor);
            var metadata = Metadata(http, caller, review.Site, reviewId);
            var action = await actions.HandleAsync(tx, create, metadata, ct);
            var decision = new ReviewDecision(decisionId, create.Title, create.ActionId, create.Owner, create.Due, actor, now);
            var written = await tx.DecideAsync(Review.StreamId(reviewId), null, (Review s) => ReviewDecisions.RecordDecision(s, decision), _ => metadata, ct);
            if (written.Events.Count > 0)
                await Sql.ExecAsync(tx.Transaction, $"UPDATE {store.Schema}.review_index SET action_ids = array_append(action_ids, $2) WHERE review_id = $1",
                    ct, reviewId, create.ActionId);
            await tx.CommitAsync(ct);
            return Results.Ok(new { reviewId, decision, action = action.State });
        });

        app.MapPost("/reviews/{reviewId:guid}/close", async (Guid reviewId, HttpContext http, Caller caller, ServiceStore store, AgendaBuilder agenda, CancellationToken ct,
            ActingBody? body = null) =>
        {
            var actor = caller.Person;
            var now = store.Clock.GetUtcNow();
            await using var tx = await store.BeginAsync(ct);
            var review = (await tx.LoadAsync<Review>(Review.StreamId(reviewId), ct)).State;
            if (review.Site is not { } site || !caller.Sees(site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No review {reviewId}.");
            var ids = review.CarriedOver.Select(a => a.ActionId).Concat(review.Decisions.Select(d => d.ActionId)).ToArray();
            var actionsNow = await agenda.ActionsAsync(tx.Transaction, ids, ct);
            var written = await tx.DecideAsync(Review.StreamId(reviewId), IfMatch.ExpectedVersion(http.Request),
                (Review s) => ReviewDecisions.Close(s, actionsNow, actor, now), _ => Metadata(http, caller, review.Site, reviewId), ct);
            await Sql.ExecAsync(tx.Transaction, $"UPDATE {store.Schema}.review_index SET status = 'Closed', closed_at = $2 WHERE review_id = $1", ct, reviewId, now);
            await tx.CommitAsync(ct);
            return Results.Ok(written.State.Minutes);
        });

        app.MapGet("/reviews/{reviewId:guid}", async (Guid reviewId, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsync<Review>(Review.StreamId(reviewId), ct);
            return loaded.Exists && caller.Sees(loaded.State.Site) ? Results.Ok(new { reviewId, loaded.Version, loaded.State })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"No review {reviewId}.");
        });

        // The minutes as stored at the close: JSON, or Markdown for ?format=markdown or Accept: text/markdown.
        app.MapGet("/reviews/{reviewId:guid}/minutes", async (Guid reviewId, string? format, Caller caller, HttpContext http, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsync<Review>(Review.StreamId(reviewId), ct);
            if (loaded.Exists && !caller.Sees(loaded.State.Site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No review {reviewId}.");
            if (loaded.State.Minutes is not { } minutes)
                return Results.Problem(statusCode: 404, title: "Not found", detail: loaded.Exists ? "The review has not closed yet." : $"No review {reviewId}.");
            var markdown = format == "markdown" || http.Request.Headers.Accept.ToString().Contains("text/markdown", StringComparison.OrdinalIgnoreCase);
            return markdown ? Results.Text(minutes.Markdown, "text/markdown; charset=utf-8") : Results.Ok(minutes);
        });

        app.MapGet("/reviews", async (string? site, ReviewKind? kind, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            await using var command = store.DataSource.CreateCommand($"""
                SELECT review_id, site, kind, status, title, opened_at, closed_at FROM {store.Schema}.review_index
                WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text[] IS NULL OR site = ANY ($3))
                ORDER BY opened_at DESC LIMIT 200
                """);
            command.Parameters.Add(Sql.Text(site));
            command.Parameters.Add(Sql.Text(kind?.ToString()));
            command.Parameters.Add(Sql.Texts(caller.SiteFilter));
            var list = new List<object>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                list.Add(new
                {
                    reviewId = reader.GetGuid(0), site = reader.GetString(1), kind = reader.GetString(2), status = reader.GetString(3), title = reader.GetString(4),
                    openedAt = Sql.TimeAt(reader, 5), closedAt = Sql.TimeOrNullAt(reader, 6),
                });
            return Results.Ok(list);
        });
        return app;
    }

    private static Provenance Metadata(HttpContext http, Caller caller, string site, Guid reviewId) =>
        Provenance.Of(caller, http.GetCorrelationId(), site) with { CorrelationId = $"review-{reviewId}" };
}
