using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.Metrics;

public enum MetricsGrouping { Site, Department, Owner, Kpi, Perspective }

/// <param name="Sites">The sites the caller may see; null for all.</param>
public sealed record MetricsFilter(string? Site, string? Department, string? Owner, string? Kpi, string? Perspective, DateTimeOffset From, DateTimeOffset To,
    string[]? Sites = null);

/// <summary>The execution metrics of one group, with the counts each ratio is made of so anyone can check it.</summary>
public sealed record MetricsRow(
    string Group, double? OnTimeClosureRate, int DueInPeriod, int ClosedOnTime, double? AverageDaysToClose, int ClosedInPeriod, int Overdue, int DueThisWeek,
    double? RepeatIssueRate, int NewInPeriod, int Repeats, int ClosedWithoutKpiMovement, double? StrategicAlignment, int OpenLinkedToRedKpis, int Open);

/// <summary>
/// Execution metrics over the action index, as DOMAIN.md defines them, for the period [From, To):
/// <list type="bullet">
/// <item>on-time closure rate = actions verified on or before their original due date / actions whose original due date falls in the period (cancelled ones are not due);</item>
/// <item>average days to close = mean(verified − created) over actions verified in the period;</item>
/// <item>overdue = open actions whose current due date has passed; due this week = open actions due in the current ISO week on their site's clock (Monday 00:00 in the site's time zone onwards; UTC for a site the registry does not know);</item>
/// <item>repeat issue rate = actions created in the period flagged as repeats / all actions created in the period;</item>
/// <item>closed without KPI movement = actions verified in the period whose linked KPIs did not all move within the verification window;</item>
/// <item>strategic alignment = open actions linked to a KPI now red / all open actions.</item>
/// </list>
/// Ratios with an empty denominator are null, not zero. Grouped by KPI, an action counts once under each KPI it is linked to.
/// </summary>
public sealed class ExecutionMetrics(ServiceStore store, SiteCatalog sites)
{
    public async Task<IReadOnlyList<MetricsRow>> QueryAsync(MetricsGrouping groupBy, MetricsFilter filter, CancellationToken ct)
    {
        var now = store.Clock.GetUtcNow();
        var weekStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(((int)now.UtcDateTime.DayOfWeek + 6) % 7));
        // Each site's week, on its own clock: Monday comes to Dayton hours before it comes to a plant further west.
        var weeks = (await sites.AllAsync(ct)).Values.Select(s => (s.Code, Week: s.WeekOf(now))).ToList();
        // A scalar key for most groupings; only by KPI does a row fan out (an unnest per row costs more than the aggregates).
        var (key, fanOut) = groupBy switch
        {
            MetricsGrouping.Site => ("a.site", ""),
            MetricsGrouping.Department => ("coalesce(a.department, '(none)')", ""),
            MetricsGrouping.Owner => ("a.owner", ""),
            MetricsGrouping.Perspective => ("coalesce(a.perspective, '(none)')", ""),
            _ => ("g.key", ", unnest(CASE WHEN cardinality(a.kpis) = 0 THEN ARRAY['(none)'] ELSE a.kpis END) AS g(key)"),
        };
        var open = ActionIndex.OpenStatuses;
        await using var command = store.DataSource.CreateCommand($"""
            WITH red AS (SELECT site, array_agg(kpi) AS kpis FROM {store.Schema}.kpi_index WHERE status = 'Red' GROUP BY site),
                 week AS (SELECT * FROM unnest($12::text[], $13::timestamptz[], $14::timestamptz[]) AS w(site, starts, ends))
            SELECT {key},
                count(*) FILTER (WHERE a.status <> 'Cancelled' AND a.original_due >= $6 AND a.original_due < $7),
                count(*) FILTER (WHERE a.status <> 'Cancelled' AND a.original_due >= $6 AND a.original_due < $7 AND a.verified_at <= a.original_due),
                avg(extract(epoch FROM a.verified_at - a.created_at) / 86400.0) FILTER (WHERE a.verified_at >= $6 AND a.verified_at < $7),
                count(*) FILTER (WHERE a.verified_at >= $6 AND a.verified_at < $7),
                count(*) FILTER (WHERE a.status IN {open} AND a.current_due < $8),
                count(*) FILTER (WHERE a.status IN {open} AND a.current_due >= coalesce(w.starts, $9) AND a.current_due < coalesce(w.ends, $10)),
                count(*) FILTER (WHERE a.created_at >= $6 AND a.created_at < $7),
                count(*) FILTER (WHERE a.created_at >= $6 AND a.created_at < $7 AND a.repeat_of IS NOT NULL),
                count(*) FILTER (WHERE a.verified_at >= $6 AND a.verified_at < $7 AND a.moved_kpis = false),
                count(*) FILTER (WHERE a.status IN {open} AND a.kpis && r.kpis),
                count(*) FILTER (WHERE a.status IN {open})
            FROM {store.Schema}.action_index a LEFT JOIN red r ON r.site = a.site LEFT JOIN week w ON w.site = a.site{fanOut}
            WHERE ($1::text IS NULL OR a.site = $1) AND ($2::text IS NULL OR a.department = $2) AND ($3::text IS NULL OR lower(a.owner) = lower($3))
              AND ($4::text IS NULL OR a.kpis @> ARRAY[$4]) AND ($5::text IS NULL OR a.perspective = $5) AND ($11::text[] IS NULL OR a.site = ANY ($11))
            GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.AddRange(new NpgsqlParameter[] {
            Sql.Text(filter.Site), Sql.Text(filter.Department), Sql.Text(filter.Owner),
            Sql.Text(filter.Kpi), Sql.Text(filter.Perspective),
            Sql.Timestamp(filter.From), Sql.Timestamp(filter.To), Sql.Timestamp(now), Sql.Timestamp(weekStart), Sql.Timestamp(weekStart.AddDays(7)), Sql.Texts(filter.Sites),
            Sql.Texts([.. weeks.Select(w => w.Code)]), Sql.Timestamps(weeks.Select(w => w.Week.Start)), Sql.Timestamps(weeks.Select(w => w.Week.End)) });
        var rows = new List<MetricsRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            int N(int i) => (int)reader.GetInt64(i);
            var (due, onTime, closed, created, repeats, red, openCount) = (N(1), N(2), N(4), N(7), N(8), N(10), N(11));
            rows.Add(new MetricsRow(reader.GetString(0), Ratio(onTime, due), due, onTime, reader.IsDBNull(3) ? null : Math.Round(reader.GetDouble(3), 4), closed,
                N(5), N(6), Ratio(repeats, created), created, repeats, N(9), Ratio(red, openCount), red, openCount));
        }
        return rows;
    }

    private static double? Ratio(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
