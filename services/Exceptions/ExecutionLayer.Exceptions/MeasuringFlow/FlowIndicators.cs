using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

public enum FlowGrouping { Site, WorkCenter }

/// <param name="Sites">The sites the caller may see; null for all.</param>
public sealed record FlowFilter(string? Site, DateTimeOffset From, DateTimeOffset To, string[]? Sites = null);

/// <summary>
/// Durations in seconds over the items of the period that have reached their end (<see cref="Count"/>); <see cref="Pending"/> have not yet.
/// P50/P90: the smallest duration with at least half / nine tenths of them at or below it. Null when nothing was measured.
/// </summary>
public sealed record FlowDurations(int Count, int Pending, double? MeanSeconds, double? P50Seconds, double? P90Seconds, double? MaxSeconds)
{
    public static FlowDurations None { get; } = new(0, 0, null, null, null, null);
}

/// <summary>Routing steps planned to finish in the period (and by now); on time when finished by their planned finish. Start delay: actual − planned start, mean over those started.</summary>
public sealed record ScheduleAdherence(int Due, int OnTime, double? Rate, double? MeanStartDelaySeconds)
{
    public static ScheduleAdherence None { get; } = new(0, 0, null, null);
}

/// <summary>Approvals of a kind granted in the period, and that count per seven days of the period.</summary>
public sealed record ApprovalFrequency(int Granted, double PerWeek);

/// <summary>
/// The flow indicators of one group. By work center (key "site/work center") only the indicators that happen at a work center are
/// given; the others are the site's, in its rows.
/// </summary>
public sealed record FlowRow(
    string Group, FlowDurations? OrderToProductionLag, FlowDurations ReleaseToStart, FlowDurations WaitingBetweenSteps, ScheduleAdherence ScheduleAdherence,
    FlowDurations? HoldCascadeLatency, FlowDurations? ExceptionResponseTime, ApprovalFrequency? UnplannedOvertime, ApprovalFrequency? Expedite);

/// <summary>
/// The indicators of where execution breaks (DOMAIN.md, flow indicators), over the flow tables, for the period [From, To). Each item
/// belongs to the period by the moment it starts from; its end may come later. Exact definitions are in the README.
/// </summary>
public sealed class FlowIndicators(ServiceStore store)
{
    public async Task<IReadOnlyList<FlowRow>> QueryAsync(FlowGrouping groupBy, FlowFilter filter, CancellationToken ct)
    {
        var s = store.Schema;
        var byWorkCenter = groupBy == FlowGrouping.WorkCenter;
        // Grouped byte-wise (COLLATE "C"): the language's collation only slows the sort the percentiles need anyway.
        string Key(string alias) => byWorkCenter ? $"({alias}.site || '/' || {alias}.work_center) COLLATE \"C\"" : $"{alias}.site COLLATE \"C\"";
        string Filter(string alias) => $"({alias}.site = $1 OR $1::text IS NULL) AND ({alias}.site = ANY ($2) OR $2::text[] IS NULL)";

        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        void Add(string sql) => batch.BatchCommands.Add(new NpgsqlBatchCommand(sql)
        {
            Parameters = { Sql.Text(filter.Site), Sql.Texts(filter.Sites), Sql.Timestamp(filter.From), Sql.Timestamp(filter.To), Sql.Timestamp(store.Clock.GetUtcNow()) },
        });
        // 1. Release to start: each production order released in the period, to the first start of any of its steps.
        Add(Durations($"""
            SELECT {Key("p")} AS key, date_part('epoch', p.first_started_at - p.released_at) AS seconds
            FROM {s}.flow_production_orders p WHERE p.released_at >= $3 AND p.released_at < $4 AND {Filter("p")}
            """));
        // 2. Waiting between steps: each step finished in the period, to the start of the order's next step (at that step's work center).
        Add(Durations($"""
            SELECT {Key("n")} AS key, date_part('epoch', n.started_at - n.previous_completed_at) AS seconds
            FROM {s}.flow_operations n WHERE n.previous_completed_at >= $3 AND n.previous_completed_at < $4 AND {Filter("n")}
            """));
        // 3. Schedule adherence: steps planned to finish in the period, and by now (a step not yet due is not late).
        Add($"""
            SELECT {Key("o")}, count(*), count(*) FILTER (WHERE o.completed_at <= o.planned_finish), avg(date_part('epoch', o.started_at - o.planned_start))
            FROM {s}.flow_operations o WHERE o.planned_finish >= $3 AND o.planned_finish < least($4, $5) AND {Filter("o")}
            GROUP BY 1
            """);
        if (!byWorkCenter)
        {
            // 4. Order-to-production lag: each sales order confirmed in the period, to the first release of a production order for it.
            Add(Durations($"""
                SELECT so.site AS key, date_part('epoch', so.first_released_at - so.confirmed_at) AS seconds
                FROM {s}.flow_sales_orders so WHERE so.confirmed_at >= $3 AND so.confirmed_at < $4 AND {Filter("so")}
                """));
            // 5. Hold cascade latency: each hold case opened in the period, from the hold's time to its orders and shipments blocked and every function notified.
            Add(Durations($"""
                SELECT c.site AS key,
                    CASE WHEN c.propagated_at IS NOT NULL AND (c.asked = 0 OR c.notified_at IS NOT NULL)
                         THEN date_part('epoch', greatest(c.propagated_at, c.notified_at) - c.raised_at) END AS seconds
                FROM {s}.flow_cases c WHERE c.kind = 'QualityHold' AND c.opened_at >= $3 AND c.opened_at < $4 AND {Filter("c")}
                """));
            // 6. Exception response time: each case opened in the period that asked for actions, to every one not cancelled started.
            Add(Durations($"""
                SELECT c.site AS key, date_part('epoch', c.responded_at - c.opened_at) AS seconds
                FROM {s}.flow_cases c WHERE c.awaited > 0 AND c.opened_at >= $3 AND c.opened_at < $4 AND {Filter("c")}
                """));
            // 7. Unplanned overtime and expediting: approvals of those kinds granted in the period.
            Add($"""
                SELECT a.site, count(*) FILTER (WHERE a.subject_type = 'overtime'), count(*) FILTER (WHERE a.subject_type = 'expedite')
                FROM {s}.flow_approvals a WHERE a.granted_at >= $3 AND a.granted_at < $4 AND {Filter("a")}
                GROUP BY 1
                """);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var releaseToStart = await ReadDurationsAsync(reader, ct);
        var waiting = await NextDurationsAsync(reader, ct);
        await reader.NextResultAsync(ct);
        var adherence = new Dictionary<string, ScheduleAdherence>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var (due, onTime) = ((int)reader.GetInt64(1), (int)reader.GetInt64(2));
            adherence[reader.GetString(0)] = new ScheduleAdherence(due, onTime, due == 0 ? null : (double)onTime / due, reader.IsDBNull(3) ? null : reader.GetDouble(3));
        }
        if (byWorkCenter)
            return [.. releaseToStart.Keys.Union(waiting.Keys).Union(adherence.Keys).Order(StringComparer.Ordinal).Select(key => new FlowRow(key, null,
                releaseToStart.GetValueOrDefault(key, FlowDurations.None), waiting.GetValueOrDefault(key, FlowDurations.None),
                adherence.GetValueOrDefault(key, ScheduleAdherence.None), null, null, null, null))];

        var lag = await NextDurationsAsync(reader, ct);
        var cascade = await NextDurationsAsync(reader, ct);
        var response = await NextDurationsAsync(reader, ct);
        await reader.NextResultAsync(ct);
        var weeks = (filter.To - filter.From).TotalDays / 7;
        var approvals = new Dictionary<string, (ApprovalFrequency Overtime, ApprovalFrequency Expedite)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var (overtime, expedite) = ((int)reader.GetInt64(1), (int)reader.GetInt64(2));
            approvals[reader.GetString(0)] = (new ApprovalFrequency(overtime, overtime / weeks), new ApprovalFrequency(expedite, expedite / weeks));
        }
        var none = new ApprovalFrequency(0, 0);
        return [.. releaseToStart.Keys.Union(waiting.Keys).Union(adherence.Keys).Union(lag.Keys).Union(cascade.Keys).Union(response.Keys).Union(approvals.Keys)
            .Order(StringComparer.Ordinal).Select(key => new FlowRow(key,
                lag.GetValueOrDefault(key, FlowDurations.None), releaseToStart.GetValueOrDefault(key, FlowDurations.None), waiting.GetValueOrDefault(key, FlowDurations.None),
                adherence.GetValueOrDefault(key, ScheduleAdherence.None), cascade.GetValueOrDefault(key, FlowDurations.None),
                response.GetValueOrDefault(key, FlowDurations.None),
                approvals.TryGetValue(key, out var a) ? a.Overtime : none, approvals.TryGetValue(key, out var b) ? b.Expedite : none))];
    }

    /// <summary>The duration statistics of (key, seconds) rows, a null duration being one not yet ended.</summary>
    private static string Durations(string items) => $"""
        SELECT key, count(seconds), count(*) FILTER (WHERE seconds IS NULL), avg(seconds),
            percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY seconds), max(seconds)
        FROM ({items}) items GROUP BY key
        """;

    private static async Task<Dictionary<string, FlowDurations>> NextDurationsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        return await ReadDurationsAsync(reader, ct);
    }

    private static async Task<Dictionary<string, FlowDurations>> ReadDurationsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var rows = new Dictionary<string, FlowDurations>(StringComparer.Ordinal);
        double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
        while (await reader.ReadAsync(ct))
        {
            // Both percentiles from one sort; null, not an array, when nothing ended.
            var percentiles = reader.IsDBNull(4) ? [null, null] : reader.GetFieldValue<double?[]>(4);
            rows[reader.GetString(0)] = new FlowDurations((int)reader.GetInt64(1), (int)reader.GetInt64(2), D(3), percentiles[0], percentiles[1], D(5));
        }
        return rows;
    }
}
