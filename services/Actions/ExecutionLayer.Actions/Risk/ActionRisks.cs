using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Risk;

/// <summary>An open action with its deadline risk, its worst KPI and the score that orders attention: risk × priority × KPI status.</summary>
public sealed record RiskedAction(ActionSummary Action, KpiStatus WorstKpi, RiskAssessment Risk, double Score);

/// <summary>Open actions with what their risk is assessed on: the owner's record (on time, decided, open) and the worst status of their KPIs, in one query.</summary>
public sealed class ActionRisks(ServiceStore store)
{
    public async Task<List<RiskedAction>> OpenAsync(string? site, Guid? actionId, CancellationToken ct)
    {
        var s = store.Schema;
        var now = store.Clock.GetUtcNow();
        await using var command = store.DataSource.CreateCommand($"""
            WITH owners AS (
                SELECT lower(owner) AS owner,
                    count(*) FILTER (WHERE verified_at <= original_due) AS on_time,
                    count(*) FILTER (WHERE status <> 'Cancelled' AND (verified_at IS NOT NULL OR original_due < $3)) AS decided,
                    count(*) FILTER (WHERE status IN {ActionIndex.OpenStatuses}) AS open
                FROM {s}.action_index
                WHERE lower(owner) IN (SELECT lower(owner) FROM {s}.action_index
                                       WHERE ($1::text IS NULL OR site = $1) AND ($2::uuid IS NULL OR action_id = $2))
                GROUP BY lower(owner))
            SELECT {ActionIndex.SummaryColumns}, o.on_time, o.decided, o.open,
                coalesce((SELECT max(CASE k.status WHEN 'Red' THEN 3 WHEN 'Amber' THEN 2 WHEN 'Green' THEN 1 ELSE 0 END)
                          FROM {s}.kpi_index k WHERE k.site = a.site AND k.kpi = ANY (a.kpis)), 0)
            FROM {s}.action_index a JOIN owners o ON o.owner = lower(a.owner)
            WHERE a.status IN {ActionIndex.OpenStatuses} AND ($1::text IS NULL OR a.site = $1) AND ($2::uuid IS NULL OR a.action_id = $2)
            """);
        command.Parameters.Add(Sql.Text(site));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actionId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(Sql.Timestamp(now));
        var list = new List<RiskedAction>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var a = ActionIndex.ReadSummary(reader);
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
