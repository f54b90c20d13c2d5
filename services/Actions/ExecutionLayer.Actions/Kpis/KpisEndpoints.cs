using ExecutionLayer.Store.Types;
using ExecutionLayer.Actions.CreatingActions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Postgres;

namespace ExecutionLayer.Actions.Kpis;

public sealed record DefineKpiBody(string Name, string Unit, Direction Direction, decimal Target, decimal Green, decimal Red, Perspective Perspective);

/// <param name="SourceEventId">Makes a retry recognisable; a reading without one is new every time.</param>
public sealed record RecordReadingBody(decimal Value, DateTimeOffset MeasuredAt, string? Unit = null, string? SourceEventId = null, string? OnBehalfOf = null)
    : IMayActOnBehalf;

/// <summary>A KPI with its latest reading, status and trend: what an agenda and a dashboard show.</summary>
public sealed record KpiView(
    string Site, string Kpi, int Version, KpiDefinition Definition, decimal? Latest, DateTimeOffset? LatestAt, KpiStatus Status, Trend Trend,
    IReadOnlyList<Reading>? Readings = null);

public static class KpisEndpoints
{
    public static IEndpointRouteBuilder MapKpis(this IEndpointRouteBuilder app)
    {
        app.MapPut("/kpis/{site}/{kpi}", async (string site, string kpi, DefineKpiBody body, HttpContext http, Caller caller, ServiceStore store, KpiRegistry registry,
            ActionsOptions options, CancellationToken ct) =>
        {
            if (!caller.Sees(site)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not define KPIs at {site}.");
            var errors = Where(site, kpi, options);
            var definition = errors.Count == 0
                ? new KpiDefinition(body.Name.Trim(), body.Unit.Trim(), body.Direction, body.Target, body.Green, body.Red, body.Perspective) : null;
            if (definition?.Validate() is { Count: > 0 } problems) errors["definition"] = [.. problems];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid KPI");

            await using var tx = await store.BeginAsync(ct);
            var written = await registry.DefineAsync(tx, site, kpi, definition!, Provenance.Of(caller, http.GetCorrelationId()), caller.Actor, ct);
            await tx.CommitAsync(ct);
            return Results.Ok(new { site, kpi, written.State.Version, changed = written.Events.Count > 0 });
        });

        app.MapPost("/kpis/{site}/{kpi}/readings", async (string site, string kpi, RecordReadingBody body, HttpContext http, Caller caller, ServiceStore store,
            KpiRegistry registry, ActionsOptions options, CancellationToken ct) =>
        {
            var actor = caller.Person;
            if (!caller.Sees(site)) return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"This caller may not record readings at {site}.");
            var errors = Where(site, kpi, options);
            if (body.SourceEventId is { Length: 0 }) errors["sourceEventId"] = ["Leave it out, or give the reading's id at its source."];
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid reading");

            await using var tx = await store.BeginAsync(ct);
            var definition = await registry.DefinitionAsync(tx.Transaction, site, kpi, ct);
            if (definition is null) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No KPI {kpi} at {site}; define it with PUT /kpis/{site}/{kpi}.");
            var unit = body.Unit?.Trim() ?? definition.Unit;
            if (unit != definition.Unit)
                return Results.Problem(statusCode: 422, title: "Rule violated", detail: $"{kpi} at {site} is measured in {definition.Unit}, not {unit}.");
            var reading = new KpiReadingRecorded(site, kpi, body.Value, unit, body.MeasuredAt, $"api:{actor}",
                body.SourceEventId ?? Guid.CreateVersion7(store.Clock.GetUtcNow()).ToString());
            var recorded = await registry.RecordAsync(tx, reading, Provenance.Of(caller, http.GetCorrelationId()), ct);
            await tx.CommitAsync(ct);
            return recorded ? Results.Created($"/kpis/{site}/{kpi}", reading) : Results.Ok(reading);
        });

        app.MapGet("/kpis", async (string? site, string? status, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            if (status is not null && !QueryEnum.TryParse<KpiStatus>(status, out _))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"One of {string.Join(", ", Enum.GetNames<KpiStatus>())}."] });
            var views = await KpiViewsAsync(store, site, status is null ? null : Enum.Parse<KpiStatus>(status, true), null, ct);
            return Results.Ok(views.Where(v => caller.Sees(v.Site)));
        });

        app.MapGet("/kpis/{site}/{kpi}", async (string site, string kpi, int? readings, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            if (!caller.Sees(site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No KPI {kpi} at {site}.");
            if (readings is < 0 or > 1000) return Results.ValidationProblem(new Dictionary<string, string[]> { ["readings"] = ["From 0 to 1000."] });
            var views = await KpiViewsAsync(store, site, null, kpi, ct, readings ?? 50);
            return views.Count == 1 ? Results.Ok(views[0]) : Results.Problem(statusCode: 404, title: "Not found", detail: $"No KPI {kpi} at {site}.");
        });
        return app;
    }

    /// <summary>KPIs with status and the trend over their latest readings (in the definition's unit), in one query.</summary>
    public static async Task<List<KpiView>> KpiViewsAsync(ServiceStore store, string? site, KpiStatus? status, string? kpi, CancellationToken ct, int keepReadings = 0)
    {
        await using var command = store.DataSource.CreateCommand($"""
            SELECT k.site, k.kpi, k.version, k.definition, k.latest_value, k.latest_at, k.status,
                ARRAY(SELECT r.value FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit
                      ORDER BY r.measured_at DESC LIMIT greatest($4, {KpiTrend.Window})),
                ARRAY(SELECT r.measured_at FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit
                      ORDER BY r.measured_at DESC LIMIT greatest($4, {KpiTrend.Window}))
            FROM {store.Schema}.kpi_index k
            WHERE ($1::text IS NULL OR k.site = $1) AND ($2::text IS NULL OR k.status = $2) AND ($3::text IS NULL OR k.kpi = $3)
            ORDER BY k.site, k.kpi
            """);
        command.Parameters.Add(Sql.Text(site));
        command.Parameters.Add(Sql.Text(status?.ToString()));
        command.Parameters.Add(Sql.Text(kpi));
        command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = keepReadings });
        var views = new List<KpiView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var definition = EventJson.Read<KpiDefinition>(reader.GetString(3));
            var values = reader.GetFieldValue<decimal[]>(7);
            var times = reader.GetFieldValue<DateTime[]>(8);
            var newestFirst = values.Zip(times, (v, t) => new Reading(v, new DateTimeOffset(t))).ToArray();
            views.Add(new KpiView(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), definition, reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                Sql.TimeOrNullAt(reader, 5), Enum.Parse<KpiStatus>(reader.GetString(6)),
                KpiTrend.Of(definition, [.. newestFirst.Take(KpiTrend.Window).Reverse().Select(r => r.Value)]),
                keepReadings > 0 ? [.. newestFirst.Take(keepReadings)] : null));
        }
        return views;
    }

    private static Dictionary<string, string[]> Where(string site, string kpi, ActionsOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (!options.Sites.Contains(site)) errors["site"] = [$"One of {string.Join(", ", options.Sites)}."];
        if (!CreateActionEndpoint.Code().IsMatch(kpi)) errors["kpi"] = ["A KPI code: lower-case letters, digits and '-' (scrap-rate), at most 63."];
        return errors;
    }
}
