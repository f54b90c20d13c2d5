using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Cases;
using Npgsql;

namespace ExecutionLayer.Exceptions.ReadingCases;

public sealed record CaseSummary(Guid CaseId, string Kind, string Site, string Status, string Severity, string Summary, decimal ValueAtRisk, DateTimeOffset OpenedAt);

public sealed record CaseView(Guid CaseId, long Version, ExceptionCase State, IReadOnlyList<CaseTimelineEntry> Timeline);

public sealed record CaseTimelineEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

public static class ReadingCasesEndpoints
{
    public static IEndpointRouteBuilder MapReadingCases(this IEndpointRouteBuilder app)
    {
        app.MapGet("/exceptions", async (NpgsqlDataSource db, EventStore store, string? site, string? status, string? kind, CancellationToken ct) =>
        {
            await using var command = db.CreateCommand($"""
                SELECT case_id, kind, site, status, severity, summary, value_at_risk, opened_at FROM {store.Schema}.case_index
                WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3)
                ORDER BY opened_at DESC LIMIT 500
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)site ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            var cases = new List<CaseSummary>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                cases.Add(new CaseSummary(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetDecimal(6), new DateTimeOffset(reader.GetFieldValue<DateTime>(7))));
            return Results.Ok(cases);
        });

        app.MapGet("/exceptions/{caseId:guid}", async (Guid caseId, EventStore store, CancellationToken ct) =>
        {
            var events = await store.ReadStreamAsync(ExceptionCase.StreamId(caseId), ct: ct);
            if (events.Count == 0) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No exception case {caseId}.");
            var state = events.Aggregate(ExceptionCase.Initial, (s, e) => s.Evolve(e.Data));
            return Results.Ok(new CaseView(caseId, events[^1].Version, state,
                events.Select(e => new CaseTimelineEntry(e.Version, e.EventType, e.RecordedAt, e.Metadata.Actor, e.Data)).ToArray()));
        });

        app.MapGet("/exceptions/{caseId:guid}/history", async (Guid caseId, DateTimeOffset asOf, EventStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsOfAsync<ExceptionCase>(ExceptionCase.StreamId(caseId), recordedAt: asOf, ct: ct);
            return loaded.Exists ? Results.Ok(new { caseId, asOf, loaded.Version, loaded.State })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"Exception case {caseId} did not exist at {asOf:O}.");
        });
        return app;
    }
}
