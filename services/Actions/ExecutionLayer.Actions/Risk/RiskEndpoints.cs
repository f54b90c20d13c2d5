using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.Risk;

public sealed record RiskedAction(ActionSummary Action, KpiStatus WorstKpi, RiskAssessment Risk, double Score);

public static class RiskEndpoints
{
    public static IEndpointRouteBuilder MapRisk(this IEndpointRouteBuilder app)
    {
        app.MapGet("/actions/{actionId:guid}/risk", async (Guid actionId, Caller caller, ServiceStore store, CancellationToken ct) =>
            (await RiskedAsync(store, null, actionId, ct)).FirstOrDefault() is { } risked && caller.Sees(risked.Action.Site) ? Results.Ok(risked)
            : Results.Problem(statusCode: 404, title: "Not found", detail: $"No open action {actionId}; risk is assessed for open actions only."));

        // Open actions, most in need of attention first: risk × priority × KPI status.
        app.MapGet("/actions/prioritised", async (string? site, int? limit, Caller caller, ServiceStore store, CancellationToken ct) =>
            limit is < 1 or > 1000 ? Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["From 1 to 1000."] })
            : Results.Ok((await RiskedAsync(store, site, null, ct)).Where(r => caller.Sees(r.Action.Site)).OrderByDescending(r => r.Score).ThenBy(r => r.Action.Due).Take(limit ?? 50)));
        return app;
    }

    private static async Task<List<RiskedAction>> RiskedAsync(ServiceStore store, string? site, Guid? actionId, CancellationToken ct)
    {
        var s = store.Schema;
        var now = store.Clock.GetUtcNow();
        await using var command = store.DataSource.CreateCommand($"""
            WITH owners AS (
                SELECT lower(owner) AS owner,
                    count(*) FILTER (WHERE verified_at <= original_due) AS on_time,
                    count(*) FILTER (WHERE status <> 'Cancelled' AND (verified_at IS NOT NULL OR original_due < $3)) AS decided,
                    count(*) FILTER (WHERE status IN {ReadingActionsEndpoints.OpenStatuses}) AS open
                FROM {s}.action_index
                WHERE lower(owner) IN (SELECT lower(owner) FROM {s}.action_index
                                       WHERE ($1::text IS NULL OR site = $1) AND ($2::uuid IS NULL OR action_id = $2))
                GROUP BY lower(owner))
            SELECT {ReadingActionsEndpoints.SummaryColumns}, o.on_time, o.decided, o.open,
                coalesce((SELECT max(CASE k.status WHEN 'Red' THEN 3 WHEN 'Amber' THEN 2 WHEN 'Green' THEN 1 ELSE 0 END)
                          FROM {s}.kpi_index k WHERE k.site = a.site AND k.kpi = ANY (a.kpis)), 0)
            FROM {s}.action_index a JOIN owners o ON o.owner = lower(a.owner)
            WHERE a.status IN {ReadingActionsEndpoints.OpenStatuses} AND ($1::text IS NULL OR a.site = $1) AND ($2::uuid IS NULL OR a.action_id = $2)
            """);
        command.Parameters.Add(Sql.Text(site));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actionId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(Sql.Timestamp(now));
        var list = new List<RiskedAction>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var a = ReadingActionsEndpoints.ReadSummary(reader);
            var priority = a.Priority;
            var features = new RiskFeatures((int)reader.GetInt64(22), (int)reader.GetInt64(23), (int)reader.GetInt64(24) - 1, a.CreatedAt, a.Due, a.PercentComplete,
                priority, a.DueDateChanges);
            var worst = (KpiStatus)reader.GetInt32(25);
            var risk = DeadlineRisk.Assess(features, now);
            list.Add(new RiskedAction(a, worst, risk, Math.Round(DeadlineRisk.Score(risk.Probability, priority, worst), 4)));
        }
        return list;
    }
}
