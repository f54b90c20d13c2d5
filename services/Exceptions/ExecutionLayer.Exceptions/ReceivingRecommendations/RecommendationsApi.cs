using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.GoverningRecommendations;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.ReceivingRecommendations;

/// <summary>
/// A recommendation as a planning or AI system posts it. <see cref="Id"/> is the client's own id for it: posting it again finds the
/// first. <see cref="Confidence"/> is the probability (0–1) the client gives that the expected effect comes true — it is scored
/// against what does. <see cref="ExpiresAt"/>: after it, nobody may accept it (24 hours when left out). <see cref="CaseId"/>: the
/// exception case it answers, if one.
/// </summary>
public sealed partial record RecommendationBody(
    [MaxLength(200)] string Id, [MaxLength(64)] string Site, RecommendationSource Source, IReadOnlyList<ProposedAction> Actions, ExpectedEffect ExpectedEffect,
    decimal Confidence, IReadOnlyList<RecommendationEvidence>? Evidence = null, DateTimeOffset? ExpiresAt = null, Guid? CaseId = null,
    [MaxLength(3)] string? Currency = null)
{
    public const int MaxActions = 20;
    public const int MaxEvidence = 20;
    public static readonly TimeSpan DefaultLife = TimeSpan.FromHours(24);
    public static readonly TimeSpan LongestLife = TimeSpan.FromDays(90);

    public Dictionary<string, string[]> Problems(DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Id)) errors["id"] = ["Your own id for the recommendation, so a retry is recognised."];
        if (Source is null || string.IsNullOrWhiteSpace(Source.System) || string.IsNullOrWhiteSpace(Source.Model) || string.IsNullOrWhiteSpace(Source.ModelVersion)
            || new[] { Source.System, Source.Model, Source.ModelVersion }.Any(v => v.Length > 100))
            errors["source"] = ["The proposing system, its model and the model's version (each at most 100 characters)."];
        if (Actions is not { Count: > 0 and <= MaxActions }) errors["actions"] = [$"From 1 to {MaxActions} proposed actions."];
        else
            for (var i = 0; i < Actions.Count; i++)
                if (Actions[i] is null) errors[$"actions[{i}]"] = ["A proposed action."];
                else if (Actions[i].Problems() is { Count: > 0 } wrong) errors[$"actions[{i}]"] = [.. wrong];
        if (ExpectedEffect is null) errors["expectedEffect"] = ["What is expected to come of it: a KPI's change, or a promise kept."];
        else if (ExpectedEffect.Problems() is { Count: > 0 } wrong) errors["expectedEffect"] = [.. wrong];
        if (Confidence is < 0 or > 1) errors["confidence"] = ["The probability, from 0 to 1, that the expected effect comes true."];
        if (Evidence is { Count: > MaxEvidence } || Evidence?.Any(e => e is null || string.IsNullOrWhiteSpace(e.Label)) == true)
            errors["evidence"] = [$"At most {MaxEvidence} items, each with a label."];
        if (Evidence?.Any(e => e?.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http")) == true)
            errors["evidence"] = ["An evidence url is an absolute http(s) address."];
        if (ExpiresAt is { } expires && (expires <= now || expires > now + LongestLife)) errors["expiresAt"] = ["After now and within 90 days."];
        if (CaseId == Guid.Empty) errors["caseId"] = ["The exception case it answers, or left out."];
        if (Currency is { } currency && !CurrencyCode().IsMatch(currency)) errors["currency"] = ["An ISO 4217 code such as USD, or left out for the site's."];
        return errors;
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}

/// <summary>One accepted action and where it stands in the actions service; once judged, the expected KPI before and at best within its window.</summary>
public sealed record WorkView(
    int Index, string Title, string Function, string OwnerRole, WorkStatus Status, Guid? ActionId, DateTimeOffset? StartedAt, DateTimeOffset? ClosedAt,
    decimal? KpiBaseline, decimal? KpiBest, DateTimeOffset? AssessedAt)
{
    public static WorkView Of(WorkItem w) => new(w.Accepted.Index, w.Accepted.Title, w.Accepted.Function, w.Accepted.OwnerRole, w.Status, w.ActionId, w.StartedAt,
        w.ClosedAt, w.KpiBaseline, w.KpiBest, w.AssessedAt);
}

/// <summary>A recommendation as it stands: what was proposed, how it was decided (by which rules or through which approval) and what was done.</summary>
public sealed record RecommendationView(
    Guid RecommendationId, string Id, string Site, string Client, RecommendationSource Source, RecommendationStatus Status, IReadOnlyList<ProposedAction> Actions,
    ExpectedEffect ExpectedEffect, decimal Confidence, decimal Amount, string Currency, IReadOnlyList<RecommendationEvidence> Evidence, Guid? CaseId,
    DateTimeOffset ExpiresAt, DateTimeOffset ReceivedAt, string? SubjectType, Guid? ApprovalRequestId, IReadOnlyList<string> WhyRouted,
    IReadOnlyList<AppliedRule> Rules, string? DecidedBy, Guid? ApprovalId, string? Outcome, DateTimeOffset? DecidedAt, IReadOnlyList<WorkView> Work,
    DateTimeOffset? ExecutedAt, RecommendationJudgement? Judgement, long Version)
{
    public static RecommendationView Of(Recommendation r, long version)
    {
        var p = r.Proposal!;
        return new(r.Id, p.ClientId, p.Site, p.ReceivedBy, p.Source, r.Status, p.Actions, p.Effect, p.Confidence, p.Amount, p.Currency, p.Evidence, p.CaseId,
            p.ExpiresAt, p.ReceivedAt, r.Routing?.SubjectType, r.Routing?.RequestId, r.Routing?.Why ?? [], r.Decision?.Rules is { Count: > 0 } rules ? rules : r.Routing?.Rules ?? [],
            r.Decision?.By, r.Decision?.ApprovalId, r.Decision?.Outcome, r.Decision?.At,
            [.. r.Work.Select(WorkView.Of)], r.ExecutedAt, r.Judgement, version);
    }
}

public sealed record RecommendationSummary(
    Guid RecommendationId, string Id, string Site, string SourceSystem, string Model, RecommendationStatus Status, decimal Confidence, decimal Amount, string Currency,
    string Summary, DateTimeOffset ReceivedAt, DateTimeOffset? DecidedAt);

/// <summary>The context a recommendation's approvers decide on, as it stands now; <see cref="Cleared"/> when the case it answers is resolved.</summary>
public sealed record RecommendationContextNow(RecommendationContext Context, bool Cleared);

/// <summary>What the recommendation routes need: the request (its signed caller and correlation), the store, the writer, the rules, the routing table and the sites.</summary>
internal sealed record RecommendationsServices(
    HttpContext Http, ServiceStore Store, RecommendationWriter Writer, RecommendationRules Rules, RoutingTable Routing, CaseWriter Cases, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);

    public RecommendationSubjects Subjects => new(Store.Schema);
}

/// <summary>
/// Recommendations from planning and AI systems: received from a client holding <c>recommendations:write</c>, accepted by the
/// site's recommendation policy when it is small and sure enough, otherwise decided by people through an approval; accepted, its
/// actions become action items owned by their functions.
/// </summary>
public static class RecommendationsApi
{
    private static readonly string[] Statuses = [.. Enum.GetNames<RecommendationStatus>().Where(s => s != nameof(RecommendationStatus.None))];

    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        var recommendations = app.MapGroup("/recommendations").WithTags("Recommendations");
        recommendations.MapPost("", ReceiveAsync).Describe("Recommend", "Propose actions from a planning or AI system (idempotent on id)").CommandProblems();
        recommendations.MapGet("/{recommendationId:guid}", GetAsync).Describe("GetRecommendation", "One recommendation, as it stands")
            .Problems(StatusCodes.Status404NotFound);
        recommendations.MapGet("", ListAsync).Describe("ListRecommendations", "Recommendations by site, status and source, latest first")
            .QueryValues("status", RecommendationStatus.None);
        recommendations.MapGet("/{recommendationId:guid}/decision-context", GetDecisionContextAsync)
            .Describe("GetRecommendationDecisionContext", "What its approvers decide on, read again now").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>201 with the recommendation (accepted at once when the policy's rules let it through); 200 with the one already received for the id.</summary>
    internal static async Task<Results<Created<RecommendationView>, Ok<RecommendationView>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        RecommendationBody body, [AsParameters] RecommendationsServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        var now = services.Store.Clock.GetUtcNow();
        var errors = body.Problems(now);
        if (await services.Sites.UnknownAsync([body.Site ?? ""], ct) is { } unknownSite) errors["site"] = [unknownSite];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid recommendation");
        var code = body.Site!;
        if (!caller.Sees(code)) return Problem.Forbidden($"This caller may not recommend at {code}.");

        var site = (await services.Sites.FindAsync(code, ct))!;
        var command = new ReceiveRecommendation(ReceiveRecommendation.IdFor(caller.Actor, body.Id.Trim()), body.Id.Trim(), code, body.Source, body.Actions,
            body.ExpectedEffect, body.Confidence, body.Currency ?? site.Currency, body.Evidence ?? [], body.CaseId, body.ExpiresAt ?? now + RecommendationBody.DefaultLife,
            caller.Actor);
        await using var tx = await services.Store.BeginAsync(ct);
        var existing = await services.Store.LoadAsync<Recommendation>(Recommendation.StreamId(command.RecommendationId), ct);
        if (existing.Version == 0)
        {
            if (await services.Subjects.MissingAsync(tx.Transaction, code, body.Actions, body.ExpectedEffect, ct) is { Count: > 0 } missing)
                return Problem.RuleViolated(string.Join(" ", missing), "unknown-subject");
            if (body.CaseId is { } caseId && await services.Cases.SiteOfAsync(tx, caseId, ct) != code)
                return Problem.RuleViolated($"No exception case {caseId} at {code}.", "unknown-case");
        }
        var rules = await services.Rules.AtAsync(tx.Transaction, code, ct);
        var impact = existing.Version == 0 ? await services.Subjects.ImpactAsync(tx.Transaction, code, body.Actions, body.ExpectedEffect, ct) : Graph.Impact.None;
        var world = new RecommendationSituation(rules, impact, function => services.Routing.OwnerRoleOf(code, function), now);
        var written = await services.Writer.DecideAsync(tx, command.RecommendationId, Provenance.Of(caller, services.Http.GetCorrelationId(), code), ct,
            s => RecommendationDecisions.Receive(s, command, world));
        await tx.CommitAsync(ct);

        var view = RecommendationView.Of(written.State, written.Version);
        return written.Events.Count > 0 ? TypedResults.Created($"/recommendations/{command.RecommendationId}", view) : TypedResults.Ok(view);
    }

    internal static async Task<Results<Ok<RecommendationView>, ProblemHttpResult>> GetAsync(
        Guid recommendationId, [AsParameters] RecommendationsServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<Recommendation>(Recommendation.StreamId(recommendationId), ct);
        return loaded.Version > 0 && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(RecommendationView.Of(loaded.State, loaded.Version))
            : Problem.NotFound($"No recommendation {recommendationId}.");
    }

    internal static async Task<Results<Ok<RecommendationSummary[]>, ValidationProblem>> ListAsync(
        string? site, string? status, string? source, int? limit, [AsParameters] RecommendationsServices services, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var parsed = RecommendationStatus.None;
        if (status is not null && (!QueryEnum.TryParse(status, out parsed) || parsed == RecommendationStatus.None))
            errors["status"] = [$"One of {string.Join(", ", Statuses)}."];
        if (limit is < 1 or > 500) errors["limit"] = ["Between 1 and 500."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid filter");
        var canonical = status is null ? null : parsed.ToString();
        var rows = await Sql.ListAsync(services.Store.DataSource, $"""
            SELECT recommendation_id, client_id, site, source_system, model, status, confidence, amount, currency, summary, received_at, decided_at
            FROM {services.Store.Schema}.recommendation_index
            WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR source_system = $3)
              AND ($4::text[] IS NULL OR site = ANY($4))
            ORDER BY received_at DESC, recommendation_id LIMIT $5
            """, r => new RecommendationSummary(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                Enum.Parse<RecommendationStatus>(r.GetString(5)), r.GetDecimal(6), r.GetDecimal(7), r.GetString(8), r.GetString(9), Sql.TimeAt(r, 10),
                Sql.TimeOrNullAt(r, 11)), ct,
            Sql.Text(site), Sql.Text(canonical), Sql.Text(source), Sql.Texts(services.Caller.SiteFilter), new Npgsql.NpgsqlParameter<int> { TypedValue = limit ?? 100 });
        return TypedResults.Ok(rows.ToArray());
    }

    /// <summary>The approvals service asks this when an approver opens or decides: the same proposal, its subjects' impact read now.</summary>
    internal static async Task<Results<Ok<RecommendationContextNow>, ProblemHttpResult>> GetDecisionContextAsync(
        Guid recommendationId, [AsParameters] RecommendationsServices services, CancellationToken ct)
    {
        await using var tx = await services.Store.BeginAsync(ct);
        var loaded = await tx.LoadAsync<Recommendation>(Recommendation.StreamId(recommendationId), ct);
        if (loaded.State.Proposal is not { } proposal || !services.Caller.Sees(proposal.Site)) return Problem.NotFound($"No recommendation {recommendationId}.");
        var impact = await services.Subjects.ImpactAsync(tx.Transaction, proposal.Site, proposal.Actions, proposal.Effect, ct);
        var cleared = proposal.CaseId is { } caseId && await Sql.ScalarAsync<string>(tx.Transaction,
            $"SELECT status FROM {services.Store.Schema}.case_index WHERE case_id = $1", ct, caseId) is "Resolved" or "Closed";
        return TypedResults.Ok(new RecommendationContextNow(RecommendationContexts.Now(proposal, impact, services.Store.Clock.GetUtcNow()), cleared));
    }
}
