using System.Text.Json;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.ReadingCases;

public sealed record CaseView(Guid CaseId, long Version, ExceptionCase State, IReadOnlyList<CaseTimelineEntry> Timeline);

public sealed record CaseTimelineEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

/// <summary>A case as it stood at a moment (<see cref="AsOf"/>), at the version it had then.</summary>
public sealed record CaseAsOf(Guid CaseId, DateTimeOffset AsOf, long Version, ExceptionCase State);

/// <summary>
/// A case's impact now, in the shape a decision context is published in (<see cref="ApprovalNeeded.Context"/>): what an approver
/// deciding on a request the case made compares with the context the request was made on. <see cref="Cleared"/> when the deviation
/// no longer stands (the case is resolved or closed).
/// </summary>
public sealed record LiveDecisionContext(Guid CaseId, CaseStatus Status, bool Cleared, DecisionContext Context, long Version);

/// <summary>What reading cases needs: who asks, and the store with the case list.</summary>
public sealed record ReadingCasesServices(Caller Caller, ServiceStore Store, CaseList Cases);

/// <summary>Exception cases: lists, one case with its timeline, one as of a moment. Another site's case is answered exactly like a missing one.</summary>
public static class ReadingCasesApi
{
    public static IEndpointRouteBuilder MapReadingCasesApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/exceptions").WithTags("Exception cases");
        cases.MapGet("", ListAsync).Describe("ListCases", "Exception cases by site, status, kind, severity and age, newest first")
            .QueryValues("status", [.. Enum.GetValues<CaseStatus>().Except([CaseStatus.None]).Select(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString())), Unresolved])
            .QueryValues<CaseKind>("kind").QueryValues<Severity>("severity").QueryDuration("minAge");
        cases.MapGet("/{caseId:guid}", GetAsync).Describe("GetCase", "One case with its impact, routing and timeline").Problems(StatusCodes.Status404NotFound);
        cases.MapGet("/{caseId:guid}/decision-context", GetDecisionContextAsync)
            .Describe("GetCaseDecisionContext", "The case's impact now, as a decision context (what an approver compares with the one a request was made on)")
            .Problems(StatusCodes.Status404NotFound);
        cases.MapGet("/{caseId:guid}/history", GetAsOfAsync).Describe("GetCaseAsOf", "The case as it stood at a moment").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Every status a case has before it is resolved: the plant's open work, in one list.</summary>
    public const string Unresolved = "unresolved";

    private static readonly CaseStatus[] UnresolvedStatuses = [CaseStatus.Open, CaseStatus.Assessed, CaseStatus.Responding];

    /// <param name="status">One status, or <c>unresolved</c> for open, assessed and responding together.</param>
    /// <param name="minAge">Opened at least this long ago: an ISO-8601 duration (PT4H) or hh:mm:ss.</param>
    /// <param name="limit">From 1 to 1000; 500 when left out.</param>
    public static async Task<Results<Ok<List<CaseSummary>>, ValidationProblem>> ListAsync(
        string? site, string? status, string? kind, string? severity, string? minAge, int? limit, [AsParameters] ReadingCasesServices services, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        IReadOnlyList<CaseStatus>? statuses = string.Equals(status, Unresolved, StringComparison.OrdinalIgnoreCase) ? UnresolvedStatuses
            : Parse<CaseStatus>(status, "status", errors) is { } one ? [one] : null;
        if (errors.ContainsKey("status")) errors["status"] = [$"One of: {string.Join(", ", UnresolvedStatuses.Append(CaseStatus.Resolved).Append(CaseStatus.Closed))}, or {Unresolved}."];
        var kindValue = Parse<CaseKind>(kind, "kind", errors);
        var severityValue = Parse<Severity>(severity, "severity", errors);
        TimeSpan? age = null;
        if (minAge is not null)
        {
            try { age = minAge.StartsWith('P') ? System.Xml.XmlConvert.ToTimeSpan(minAge) : TimeSpan.Parse(minAge, System.Globalization.CultureInfo.InvariantCulture); }
            catch (FormatException) { errors["minAge"] = ["Use an ISO-8601 duration such as PT4H."]; }
            catch (OverflowException) { errors["minAge"] = ["Use an ISO-8601 duration such as PT4H."]; }
        }
        if (limit is < 1 or > 1000) errors["limit"] = ["Between 1 and 1000."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid filter");
        var openedBy = age is null ? (DateTimeOffset?)null : services.Store.Clock.GetUtcNow() - age.Value;
        return TypedResults.Ok(await services.Cases.ListAsync(
            new CaseFilter(site, statuses, kindValue, severityValue, openedBy, limit ?? 500, services.Caller.SiteFilter), ct));
    }

    public static async Task<Results<Ok<CaseView>, ProblemHttpResult>> GetAsync(Guid caseId, EventTypes types, [AsParameters] ReadingCasesServices services, CancellationToken ct)
    {
        var events = await services.Store.ReadStreamAsync(ExceptionCase.StreamId(caseId), null, null, ct);
        var state = Loaded<ExceptionCase>.Of(events).State;
        // Another site's case is answered exactly like a missing one: its existence is not the caller's to know.
        if (events.Count == 0 || !services.Caller.Sees(state.Site)) return Problem.NotFound($"No exception case {caseId}.");
        return TypedResults.Ok(new CaseView(caseId, events[^1].Version, state,
            [.. events.Select(e => new CaseTimelineEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data))]));
    }

    public static async Task<Results<Ok<LiveDecisionContext>, ProblemHttpResult>> GetDecisionContextAsync(
        Guid caseId, [AsParameters] ReadingCasesServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<ExceptionCase>(ExceptionCase.StreamId(caseId), ct);
        var state = loaded.State;
        if (loaded.Version == 0 || !services.Caller.Sees(state.Site)) return Problem.NotFound($"No exception case {caseId}.");
        // As of the case's last assessment, not of this read: the same impact reads the same, so an approver's confirmation on it
        // (by its digest) still holds when they post it a moment later.
        var context = CaseContext.Of(state.Summary, state.Impact, state.AssessedAt ?? services.Store.Clock.GetUtcNow());
        return TypedResults.Ok(new LiveDecisionContext(caseId, state.Status, !state.IsOpen, context, loaded.Version));
    }

    public static async Task<Results<Ok<CaseAsOf>, ProblemHttpResult>> GetAsOfAsync(
        Guid caseId, DateTimeOffset asOf, [AsParameters] ReadingCasesServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsOfAsync<ExceptionCase>(ExceptionCase.StreamId(caseId), null, asOf, ct);
        return loaded.Exists && services.Caller.Sees(loaded.State.Site) ? TypedResults.Ok(new CaseAsOf(caseId, asOf, loaded.Version, loaded.State))
            : Problem.NotFound($"Exception case {caseId} did not exist at {asOf:O}.");
    }

    /// <summary>Case-insensitive enum filter ("responding", "Responding"); an unknown value is a 400 naming the allowed ones.</summary>
    private static T? Parse<T>(string? value, string name, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (value is null) return null;
        if (QueryEnum.TryParse<T>(value, out var parsed)) return parsed;
        errors[name] = [$"One of: {string.Join(", ", Enum.GetNames<T>())}."];
        return null;
    }
}
