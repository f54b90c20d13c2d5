using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.ReadingCases;

public sealed record CaseSummary(
    Guid CaseId, string Kind, string Site, string Status, string Severity, string Summary, decimal ValueAtRisk, DateTimeOffset OpenedAt, int EscalationLevel);

public sealed record CaseView(Guid CaseId, long Version, ExceptionCase State, IReadOnlyList<CaseTimelineEntry> Timeline);

public sealed record CaseTimelineEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

public static class ReadingCasesEndpoints
{
    public static IEndpointRouteBuilder MapReadingCases(this IEndpointRouteBuilder app)
    {
        // Filters: site, kind, status, severity (exact), minAge (ISO-8601 duration or hh:mm:ss: opened at least that long ago), limit.
        app.MapGet("/exceptions", async (Caller caller, NpgsqlDataSource db, ServiceStore store, string? site, string? status, string? kind, string? severity, string? minAge,
            int? limit, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var statusValue = Parse<CaseStatus>(status, "status", errors);
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
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid filter");

            await using var command = db.CreateCommand($"""
                SELECT case_id, kind, site, status, severity, summary, value_at_risk, opened_at, escalation_level FROM {store.Schema}.case_index
                WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3)
                  AND ($4::text IS NULL OR severity = $4) AND ($5::timestamptz IS NULL OR opened_at <= $5)
                  AND ($7::text[] IS NULL OR site = ANY ($7))
                ORDER BY opened_at DESC LIMIT $6
                """);
            command.Parameters.Add(Sql.Text(site));
            command.Parameters.Add(Sql.Text(statusValue?.ToString()));
            command.Parameters.Add(Sql.Text(kindValue?.ToString()));
            command.Parameters.Add(Sql.Text(severityValue?.ToString()));
            command.Parameters.Add(new NpgsqlParameter { Value = age is null ? DBNull.Value : (store.Clock.GetUtcNow() - age.Value).UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = limit ?? 500 });
            command.Parameters.Add(Sql.Texts(caller.SiteFilter));
            var cases = new List<CaseSummary>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                cases.Add(new CaseSummary(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetDecimal(6), new DateTimeOffset(reader.GetFieldValue<DateTime>(7)), reader.GetInt32(8)));
            return Results.Ok(cases);
        });

        app.MapGet("/exceptions/{caseId:guid}", async (Guid caseId, Caller caller, ServiceStore store, EventTypes types, CancellationToken ct) =>
        {
            var events = await store.ReadStreamAsync(ExceptionCase.StreamId(caseId), null, null, ct);
            var state = Loaded<ExceptionCase>.Of(events).State;
            // Another site's case is answered exactly like a missing one: its existence is not the caller's to know.
            if (events.Count == 0 || !caller.Sees(state.Site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No exception case {caseId}.");
            return Results.Ok(new CaseView(caseId, events[^1].Version, state,
                events.Select(e => new CaseTimelineEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data)).ToArray()));
        });

        app.MapGet("/exceptions/{caseId:guid}/history", async (Guid caseId, DateTimeOffset asOf, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsOfAsync<ExceptionCase>(ExceptionCase.StreamId(caseId), null, asOf, ct);
            return loaded.Exists && caller.Sees(loaded.State.Site) ? Results.Ok(new { caseId, asOf, loaded.Version, loaded.State })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"Exception case {caseId} did not exist at {asOf:O}.");
        });
        return app;
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
