using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Query;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.ReadingActions;

public static class ReadingActionsEndpoints
{
    public const string SummaryColumns = """
        a.action_id, a.site, a.department, a.owner, a.title, a.priority, a.perspective, a.kpis, a.status, a.source_kind, a.source_reference,
        a.correlation_id, a.created_at, a.original_due, a.current_due, a.verified_at, a.due_changes, a.progress, a.overdue_level, a.repeat_of,
        a.ineffective, a.moved_kpis
        """;

    public const string OpenStatuses = "('Open', 'InProgress', 'Blocked', 'CompletionClaimed')";

    public static IEndpointRouteBuilder MapReadingActions(this IEndpointRouteBuilder app)
    {
        // Keyset pagination on (created_at, action_id): pass the last row's values as after/afterId for the next page.
        app.MapGet("/actions", async (string? site, string? owner, string? status, string? kpi, string? sourceKind, string? sourceReference,
            DateTimeOffset? after, Guid? afterId, int? limit, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var openOnly = string.Equals(status, "open", StringComparison.OrdinalIgnoreCase);
            if (status is not null && !openOnly && (!QueryEnum.TryParse<ActionStatus>(status, out var parsed) || parsed == ActionStatus.None))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"open (any open state), or one of {string.Join(", ", Enum.GetNames<ActionStatus>().Skip(1))}."] });
            // The index stores the enum's name; the API speaks it in camelCase ("exception"), so parse rather than compare text.
            SourceKind? kind = null;
            if (sourceKind is not null)
            {
                if (!QueryEnum.TryParse<SourceKind>(sourceKind, out var parsedKind))
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["sourceKind"] = [$"One of {string.Join(", ", Enum.GetNames<SourceKind>())}."] });
                kind = parsedKind;
            }
            if (limit is < 1 or > 1000) return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["From 1 to 1000."] });
            if ((after is null) != (afterId is null)) return Results.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Give after and afterId together."] });
            var statusFilter = status is null || openOnly ? null : Enum.Parse<ActionStatus>(status, true).ToString();
            return Results.Ok(await SummariesAsync(store, $"""
                SELECT {SummaryColumns} FROM {store.Schema}.action_index a
                WHERE ($1::text IS NULL OR a.site = $1) AND ($2::text IS NULL OR lower(a.owner) = lower($2)) AND ($3::text IS NULL OR a.status = $3) AND (NOT $10 OR a.status IN {OpenStatuses})
                  AND ($4::text IS NULL OR a.kpis @> ARRAY[$4]) AND ($5::text IS NULL OR a.source_kind = $5) AND ($6::text IS NULL OR a.source_reference = $6)
                  AND ($7::timestamptz IS NULL OR (a.created_at, a.action_id) > ($7, $8::uuid)) AND ($11::text[] IS NULL OR a.site = ANY ($11))
                ORDER BY a.created_at, a.action_id LIMIT $9
                """, ct, Sql.Text(site), Sql.Text(owner), Sql.Text(statusFilter), Sql.Text(kpi?.ToLowerInvariant()), Sql.Text(kind?.ToString()), Sql.Text(sourceReference),
                Sql.Timestamp(after),
                new NpgsqlParameter { Value = (object?)afterId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
                new NpgsqlParameter<int> { TypedValue = limit ?? 100 }, new NpgsqlParameter<bool> { TypedValue = openOnly }, Sql.Texts(caller.SiteFilter)));
        });

        app.MapGet("/actions/{actionId:guid}", async (Guid actionId, Caller caller, HttpContext http, ServiceStore store, EventTypes types, CancellationToken ct) =>
        {
            var events = await store.ReadStreamAsync(ActionItem.StreamId(actionId), null, null, ct);
            var state = Loaded<ActionItem>.Of(events).State;
            // Another site's action is answered exactly like a missing one.
            if (events.Count == 0 || !caller.Sees(state.Site)) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No action {actionId}.");
            IfMatch.SetETag(http.Response, events[^1].Version);
            return Results.Ok(new
            {
                actionId, version = events[^1].Version, state,
                history = events.Select(e => new HistoryEntry(e.Version, types.NameOf(e.Data.GetType()).Name, e.Timestamp, Provenance.Of(e).Actor, e.Data)),
            });
        });

        // For the auditor: the action as it stood at a moment, from its own stream.
        app.MapGet("/actions/{actionId:guid}/history", async (Guid actionId, DateTimeOffset asOf, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var loaded = await store.LoadAsOfAsync<ActionItem>(ActionItem.StreamId(actionId), null, asOf, ct);
            return loaded.Exists && caller.Sees(loaded.State.Site) ? Results.Ok(new { actionId, asOf, loaded.Version, loaded.State })
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"Action {actionId} did not exist at {asOf:O}.");
        });
        return app;
    }

    public static Task<List<ActionSummary>> SummariesAsync(ServiceStore store, string sql, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        Sql.ListAsync(store.DataSource, sql, ReadSummary, ct, parameters);

    public static ActionSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), Enum.Parse<Priority>(r.GetString(5)),
        r.IsDBNull(6) ? null : Enum.Parse<Perspective>(r.GetString(6)), r.GetFieldValue<string[]>(7), Enum.Parse<ActionStatus>(r.GetString(8)),
        Enum.Parse<SourceKind>(r.GetString(9)), r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), Sql.TimeAt(r, 12), Sql.TimeAt(r, 13), Sql.TimeAt(r, 14),
        Sql.TimeOrNullAt(r, 15), r.GetInt32(16), r.GetInt32(17), r.GetInt32(18), r.IsDBNull(19) ? null : r.GetGuid(19), r.GetBoolean(20),
        r.IsDBNull(21) ? null : r.GetBoolean(21));

}
