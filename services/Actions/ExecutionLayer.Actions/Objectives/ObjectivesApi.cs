using ExecutionLayer.Actions.Items;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.Objectives;

/// <param name="Level">corporate, site or department.</param>
/// <param name="Parent">The objective this one serves, one level up (required below corporate).</param>
/// <param name="Period">A year (2026), a quarter (2026-Q4) or a month (2026-12).</param>
/// <param name="Kpis">The KPIs it is measured by, each at its site, with a weight (the weights need not add up to anything).</param>
public sealed record ObjectiveBody(
    string Name, ObjectiveLevel Level, Perspective Perspective, string Owner, string Period, IReadOnlyList<ObjectiveKpi> Kpis, string? Site = null,
    string? Department = null, string? Parent = null);

public sealed record ObjectiveView(string ObjectiveId, int Version, bool Retired, ObjectiveDefinition Definition);

/// <summary>What the objective routes need: who asks, the store, the registry and the site registry.</summary>
public sealed record ObjectivesServices(HttpContext Http, ServiceStore Store, ObjectiveRegistry Registry, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// Objectives: the company's, each plant's and each department's, in a cascade, measured by weighted KPIs. A corporate
/// objective is an admin's to define; a site's or a department's, anyone who writes actions at that site.
/// </summary>
public static class ObjectivesApi
{
    public static IEndpointRouteBuilder MapObjectivesApi(this IEndpointRouteBuilder app)
    {
        var objectives = app.MapGroup("/objectives").WithTags("Objectives");
        objectives.MapPut("/{objectiveId}", DefineAsync).Describe("DefineObjective", "Define an objective, or change it (a new version)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity);
        objectives.MapDelete("/{objectiveId}", RetireAsync).Describe("RetireObjective", "Retire an objective no other objective serves")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        objectives.MapGet("/{objectiveId}", GetAsync).Describe("GetObjective", "One objective as defined now").Problems(StatusCodes.Status404NotFound);
        objectives.MapGet("", ListAsync).Describe("ListObjectives", "The objectives in force at the sites the caller sees (and the company's), for a period");
        return app;
    }

    /// <summary>201 for a new objective; 200 with the version now in force otherwise (the same definition again changes nothing).</summary>
    public static async Task<Results<Created<ObjectiveView>, Ok<ObjectiveView>, ValidationProblem, ProblemHttpResult>> DefineAsync(
        string objectiveId, ObjectiveBody body, [AsParameters] ObjectivesServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        var definition = new ObjectiveDefinition(body.Name?.Trim() ?? "", body.Level, body.Site?.Trim(), body.Department?.Trim(), body.Parent?.Trim(),
            body.Perspective, body.Owner?.Trim() ?? "", body.Period?.Trim() ?? "", body.Kpis ?? []);
        var errors = definition.Validate(objectiveId);
        var sites = definition.Kpis.Where(k => k?.Site is not null).Select(k => k.Site).Append(definition.Site).OfType<string>().Distinct().ToArray();
        if (errors.Count == 0 && await services.Sites.UnknownAsync(sites, ct) is { } unknown) errors["site"] = [unknown];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid objective");
        if (definition.Level == ObjectiveLevel.Corporate ? !caller.Has(Caller.AdminScope) : !caller.Sees(definition.Site!))
            return Problem.Forbidden(definition.Level == ObjectiveLevel.Corporate
                ? "A corporate objective is an admin's to define." : $"This caller may not define objectives at {definition.Site}.");

        var now = services.Store.Clock.GetUtcNow();
        await using var tx = await services.Store.BeginAsync(ct);
        var world = await services.Registry.WorldAsync(tx, objectiveId, definition, ct);
        var written = await services.Registry.DecideAsync(tx, objectiveId, Provenance.Of(caller, services.Http.GetCorrelationId(), definition.Site),
            s => ObjectiveDecisions.Define(s, objectiveId, definition, world, caller.Person, now), ct);
        await tx.CommitAsync(ct);
        var view = new ObjectiveView(objectiveId, written.State.Version, written.State.Retired, written.State.Definition!);
        return written.Events.Count > 0 && written.State.Version == 1 ? TypedResults.Created($"/objectives/{objectiveId}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RetireAsync(string objectiveId, [AsParameters] ObjectivesServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        await using var tx = await services.Store.BeginAsync(ct);
        var state = (await tx.LoadAsync<Objective>(Objective.StreamId(objectiveId), ct)).State;
        if (state.Definition is { } definition && !(definition.Level == ObjectiveLevel.Corporate ? caller.Has(Caller.AdminScope) : caller.Sees(definition.Site!)))
            return Problem.Forbidden($"This caller may not retire {objectiveId}.");
        var hasChildren = await services.Registry.HasChildrenAsync(tx, objectiveId, ct);
        var now = services.Store.Clock.GetUtcNow();
        await services.Registry.DecideAsync(tx, objectiveId, Provenance.Of(caller, services.Http.GetCorrelationId(), state.Definition?.Site),
            s => ObjectiveDecisions.Retire(s, objectiveId, caller.Person, now, hasChildren), ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<ObjectiveView>, ProblemHttpResult>> GetAsync(string objectiveId, [AsParameters] ObjectivesServices services, CancellationToken ct)
    {
        var loaded = await services.Store.LoadAsync<Objective>(Objective.StreamId(objectiveId), ct);
        return loaded.State.Definition is { } definition && (definition.Site is null || services.Caller.Sees(definition.Site))
            ? TypedResults.Ok(new ObjectiveView(objectiveId, loaded.State.Version, loaded.State.Retired, definition))
            : Problem.NotFound($"No objective {objectiveId}.");
    }

    /// <param name="period">Objectives whose period overlaps this one (2026, 2026-Q4, 2026-12); all when left out.</param>
    public static async Task<Results<Ok<ObjectiveView[]>, ValidationProblem>> ListAsync(
        string? site, string? period, [AsParameters] ObjectivesServices services, CancellationToken ct)
    {
        var within = ObjectivePeriod.Parse(period);
        if (period is not null && within is null) return Problem.Invalid("period", "A year (2026), a quarter (2026-Q4) or a month (2026-12).");
        var sites = site is null ? services.Caller.SiteFilter : services.Caller.Sees(site) ? [site] : [];
        var entries = await services.Registry.InForceAsync(within, sites, ct);
        return TypedResults.Ok(entries.Select(e => new ObjectiveView(e.Id, e.Version, false, e.Definition)).ToArray());
    }
}
