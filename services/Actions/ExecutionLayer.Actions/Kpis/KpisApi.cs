using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Sites;

namespace ExecutionLayer.Actions.Kpis;

public sealed record DefineKpiBody(string Name, string Unit, Direction Direction, decimal Target, decimal Green, decimal Red, Perspective Perspective);

/// <param name="SourceEventId">Makes a retry recognisable; a reading without one is new every time.</param>
public sealed record RecordReadingBody(decimal Value, DateTimeOffset MeasuredAt, string? Unit = null, string? SourceEventId = null, string? OnBehalfOf = null)
    : IMayActOnBehalf;

/// <summary>A KPI with its latest reading, status and trend: what an agenda and a dashboard show.</summary>
public sealed record KpiView(
    string Site, string Kpi, int Version, KpiDefinition Definition, decimal? Latest, DateTimeOffset? LatestAt, KpiStatus Status, Trend Trend,
    IReadOnlyList<Reading>? Readings = null);

/// <summary>A KPI's definition as a PUT left it; <see cref="Changed"/> is false when it held what was defined already.</summary>
public sealed record KpiDefined(string Site, string Kpi, int Version, bool Changed);

/// <summary>What the KPI routes need: who asks, the store, the registry and the configured sites.</summary>
public sealed record KpisServices(HttpContext Http, ServiceStore Store, KpiRegistry Registry, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>KPIs per site: defined with their thresholds, measured by readings, judged red, amber or green with a trend.</summary>
public static class KpisApi
{
    public static IEndpointRouteBuilder MapKpisApi(this IEndpointRouteBuilder app)
    {
        var kpis = app.MapGroup("/kpis").WithTags("KPIs");
        kpis.MapPut("/{site}/{kpi}", DefineAsync).Describe("DefineKpi", "Define a KPI at a site: unit, direction, target and thresholds")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        kpis.MapPost("/{site}/{kpi}/readings", RecordReadingAsync).Describe("RecordKpiReading", "Record a reading (idempotent on sourceEventId)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        kpis.MapGet("", ListAsync).Describe("ListKpis", "KPIs with their latest reading, status and trend").QueryValues<KpiStatus>("status");
        kpis.MapGet("/{site}/{kpi}", GetAsync).Describe("GetKpi", "One KPI with its latest readings").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<KpiDefined>, ValidationProblem, ProblemHttpResult>> DefineAsync(
        string site, string kpi, DefineKpiBody body, [AsParameters] KpisServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Sees(site)) return Problem.Forbidden($"This caller may not define KPIs at {site}.");
        var errors = Where(kpi, await services.Sites.UnknownAsync([site], ct));
        var definition = errors.Count == 0
            ? new KpiDefinition(body.Name.Trim(), body.Unit.Trim(), body.Direction, body.Target, body.Green, body.Red, body.Perspective) : null;
        if (definition?.Validate() is { Count: > 0 } problems) errors["definition"] = [.. problems];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid KPI");

        await using var tx = await services.Store.BeginAsync(ct);
        var written = await services.Registry.DefineAsync(tx, site, kpi, definition!, Provenance.Of(caller, services.Http.GetCorrelationId()), caller.Actor, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new KpiDefined(site, kpi, written.State.Version, written.Events.Count > 0));
    }

    /// <summary>201 with the reading; 200 with it when its sourceEventId was recorded before.</summary>
    public static async Task<Results<Created<KpiReadingRecorded>, Ok<KpiReadingRecorded>, ValidationProblem, ProblemHttpResult>> RecordReadingAsync(
        string site, string kpi, RecordReadingBody body, [AsParameters] KpisServices services, CancellationToken ct)
    {
        var (caller, store, registry) = (services.Caller, services.Store, services.Registry);
        var actor = caller.Person;
        if (!caller.Sees(site)) return Problem.Forbidden($"This caller may not record readings at {site}.");
        var errors = Where(kpi, await services.Sites.UnknownAsync([site], ct));
        if (body.SourceEventId is { Length: 0 }) errors["sourceEventId"] = ["Leave it out, or give the reading's id at its source."];
        if (errors.Count > 0) return Problem.Invalid(errors, "Invalid reading");

        await using var tx = await store.BeginAsync(ct);
        var definition = await registry.DefinitionAsync(tx.Transaction, site, kpi, ct);
        if (definition is null) return Problem.NotFound($"No KPI {kpi} at {site}; define it with PUT /kpis/{site}/{kpi}.");
        var unit = body.Unit?.Trim() ?? definition.Unit;
        if (unit != definition.Unit) return Problem.RuleViolated($"{kpi} at {site} is measured in {definition.Unit}, not {unit}.");
        var reading = new KpiReadingRecorded(site, kpi, body.Value, unit, body.MeasuredAt, $"api:{actor}",
            body.SourceEventId ?? Guid.CreateVersion7(store.Clock.GetUtcNow()).ToString());
        var recorded = await registry.RecordAsync(tx, reading, Provenance.Of(caller, services.Http.GetCorrelationId()), ct);
        await tx.CommitAsync(ct);
        return recorded ? TypedResults.Created($"/kpis/{site}/{kpi}", reading) : TypedResults.Ok(reading);
    }

    public static async Task<Results<Ok<List<KpiView>>, ValidationProblem>> ListAsync(string? site, string? status, [AsParameters] KpisServices services, CancellationToken ct)
    {
        KpiStatus? statusFilter = null;
        if (status is not null)
        {
            if (!QueryEnum.TryParse<KpiStatus>(status, out var parsed)) return Problem.Invalid("status", $"One of {string.Join(", ", Enum.GetNames<KpiStatus>())}.");
            statusFilter = parsed;
        }
        var views = await services.Registry.ViewsAsync(site, statusFilter, null, ct);
        return TypedResults.Ok(views.Where(v => services.Caller.Sees(v.Site)).ToList());
    }

    /// <param name="readings">How many of the latest readings to include, from 0 to 1000; 50 when left out.</param>
    public static async Task<Results<Ok<KpiView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string site, string kpi, int? readings, [AsParameters] KpisServices services, CancellationToken ct)
    {
        if (!services.Caller.Sees(site)) return Problem.NotFound($"No KPI {kpi} at {site}.");
        if (readings is < 0 or > 1000) return Problem.Invalid("readings", "From 0 to 1000.");
        var views = await services.Registry.ViewsAsync(site, null, kpi, ct, readings ?? 50);
        return views.Count == 1 ? TypedResults.Ok(views[0]) : Problem.NotFound($"No KPI {kpi} at {site}.");
    }

    private static Dictionary<string, string[]> Where(string kpi, string? siteProblem)
    {
        var errors = new Dictionary<string, string[]>();
        if (siteProblem is not null) errors["site"] = [siteProblem];
        if (!CreateActionApi.Code().IsMatch(kpi)) errors["kpi"] = ["A KPI code: lower-case letters, digits and '-' (scrap-rate), at most 63."];
        return errors;
    }
}
