using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Objectives;

/// <summary>An open action that serves no objective in force: work nobody tied to a goal.</summary>
public sealed record UnalignedAction(Guid ActionId, string Site, string Title, string Owner, DateTimeOffset Due, IReadOnlyList<string> Kpis);

/// <summary>A perspective's objectives, and the worst status among them.</summary>
public sealed record PerspectiveOnCard(Perspective Perspective, ScoreStatus Status, IReadOnlyList<ObjectiveOnCard> Objectives);

/// <summary>
/// The Balanced Scorecard for a site (and the company's objectives above it) over a period: per perspective, each objective with its KPIs
/// as they stood at <see cref="AsOf"/> (the period's end, or now within it), its score rolled up through the cascade, and the execution
/// health of the actions serving it; and the open actions that serve no objective.
/// </summary>
public sealed record Scorecard(
    string? Site, string Period, DateTimeOffset From, DateTimeOffset Until, DateTimeOffset AsOf, IReadOnlyList<PerspectiveOnCard> Perspectives,
    IReadOnlyList<UnalignedAction> UnalignedActions);

/// <summary>
/// Reads what the scorecard is made of, in three queries whatever the number of objectives: the KPIs' readings up to the moment, the
/// actions serving each objective (at a site it is measured at: linked to it directly, or to one of its KPIs there — in its department,
/// for a department's), and the open actions serving none.
/// </summary>
public sealed class ScorecardQuery(ServiceStore store, ObjectiveRegistry objectives)
{
    private const int UnalignedShown = 200;

    /// <param name="sites">The sites the card covers: the one asked for, or every site the caller sees (null: all).</param>
    public async Task<Scorecard> ForAsync(string? site, string[]? sites, ObjectivePeriod period, CancellationToken ct)
    {
        var now = store.Clock.GetUtcNow();
        var asOf = now < period.Until ? now : period.Until;
        var inForce = await objectives.InForceAsync(period, sites, ct);
        var measures = inForce.SelectMany(o => o.Definition.Kpis.Select(k => (Objective: o, Kpi: k))).ToList();
        // A company objective measured at plants the caller does not see shows those KPIs without their readings, and says so.
        bool Visible(string kpiSite) => sites is null || sites.Contains(kpiSite);
        // Three independent reads, on three connections at once: the card waits for the slowest, not for their sum.
        var reading = ReadingsAsync(measures.Where(m => Visible(m.Kpi.Site)).Select(m => (m.Kpi.Site, m.Kpi.Kpi)).Distinct().ToList(), asOf, ct);
        var counting = HealthAsync([.. measures.Where(m => Visible(m.Kpi.Site))], period, now, ct);
        var listing = UnalignedAsync(sites, measures, ct);
        await Task.WhenAll(reading, counting, listing);
        var readings = await reading;
        // TryGetValue, not GetValueOrDefault: the default of a tuple is a tuple of nulls, not "no readings" (a site card then failed on another plant's KPI).
        var kpis = inForce.ToDictionary(o => o.Id, o => (IReadOnlyList<KpiOnCard>)[.. o.Definition.Kpis.Select(k =>
                OnCard(k, readings.TryGetValue((k.Site, k.Kpi), out var known) ? known : null))],
            StringComparer.Ordinal);
        var health = await counting;
        var card = ScorecardFigures.Card(inForce, kpis, health)
            .Select(o => o.Kpis.Any(k => !Visible(k.Site)) ? o with { Flags = [.. o.Flags, ScorecardFigures.Partial] } : o).ToList();
        var perspectives = Enum.GetValues<Perspective>()
            .Select(p => (Perspective: p, Objectives: card.Where(o => o.Perspective == p).ToList()))
            .Where(p => p.Objectives.Count > 0)
            .Select(p => new PerspectiveOnCard(p.Perspective, Worst(p.Objectives.Select(o => o.Status)), p.Objectives))
            .ToList();
        return new Scorecard(site, period.Name, period.From, period.Until, asOf, perspectives, await listing);
    }

    private static ScoreStatus Worst(IEnumerable<ScoreStatus> statuses) =>
        statuses.Where(s => s != ScoreStatus.Unknown).DefaultIfEmpty(ScoreStatus.Unknown).Max();

    private static KpiOnCard OnCard(ObjectiveKpi kpi, (KpiDefinition Definition, Reading[] NewestFirst)? known)
    {
        if (known is not var (definition, newestFirst)) return new KpiOnCard(kpi.Site, kpi.Kpi, kpi.Weight, null, null, KpiStatus.Unknown, TrendDirection.Unknown, null);
        var latest = newestFirst.FirstOrDefault();
        return new KpiOnCard(kpi.Site, kpi.Kpi, kpi.Weight, latest?.Value, latest?.MeasuredAt, definition.StatusOf(latest?.Value),
            KpiTrend.Of(definition, [.. newestFirst.Take(KpiTrend.Window).Reverse().Select(r => r.Value)]).Direction, ScorecardFigures.Attainment(definition, latest?.Value));
    }

    /// <summary>Each KPI's definition and its latest readings (in the definition's unit) up to the moment, newest first.</summary>
    private async Task<Dictionary<(string, string), (KpiDefinition, Reading[])>> ReadingsAsync(List<(string Site, string Kpi)> pairs, DateTimeOffset asOf, CancellationToken ct)
    {
        var rows = await Sql.ListAsync(store.DataSource, $"""
            SELECT k.site, k.kpi, k.definition,
                ARRAY(SELECT r.value FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit AND r.measured_at <= $3
                      ORDER BY r.measured_at DESC LIMIT {KpiTrend.Window}),
                ARRAY(SELECT r.measured_at FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit AND r.measured_at <= $3
                      ORDER BY r.measured_at DESC LIMIT {KpiTrend.Window})
            FROM {store.Schema}.kpi_index k JOIN unnest($1::text[], $2::text[]) AS p(site, kpi) ON p.site = k.site AND p.kpi = k.kpi
            """, r => (Key: (r.GetString(0), r.GetString(1)), Definition: EventJson.Read<KpiDefinition>(r.GetString(2)),
                Readings: r.GetFieldValue<decimal[]>(3).Zip(r.GetFieldValue<DateTime[]>(4), (v, t) => new Reading(v, new DateTimeOffset(t))).ToArray()), ct,
            Sql.Texts([.. pairs.Select(p => p.Site)]), Sql.Texts([.. pairs.Select(p => p.Kpi)]), Sql.Timestamp(asOf));
        return rows.ToDictionary(r => r.Key, r => (r.Definition, r.Readings));
    }

    private async Task<Dictionary<string, ActionHealth>> HealthAsync(List<(ObjectiveEntry Objective, ObjectiveKpi Kpi)> measures, ObjectivePeriod period, DateTimeOffset now,
        CancellationToken ct)
    {
        // Actions at sites the caller does not see are not counted either: measures is already what the card may show.
        var open = ActionIndex.OpenStatuses;
        // Actions come in few kinds — a site, a department, the KPIs and objectives they name — and which objectives an action serves
        // depends on its kind alone. So actions are counted per kind in one pass, and the kinds, not the actions, are matched to the
        // objectives: each (objective, kind) pair once, so an action reaching an objective two ways still counts once.
        var rows = await Sql.ListAsync(store.DataSource, $"""
            WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(objective, site, kpi, department)),
            kinds AS MATERIALIZED (
                SELECT row_number() OVER () AS kind, * FROM (
                    SELECT a.site, a.department, a.kpis, a.objectives,
                        count(*) FILTER (WHERE a.status IN {open}) AS open,
                        count(*) FILTER (WHERE a.status IN {open} AND a.current_due < $7) AS overdue,
                        count(*) FILTER (WHERE a.status <> 'Cancelled' AND a.original_due >= $5 AND a.original_due < $6) AS due,
                        count(*) FILTER (WHERE a.status <> 'Cancelled' AND a.original_due >= $5 AND a.original_due < $6 AND a.verified_at <= a.original_due) AS on_time,
                        count(*) FILTER (WHERE a.verified_at >= $5 AND a.verified_at < $6 AND a.moved_kpis = false) AS unmoved
                    FROM {store.Schema}.action_index a
                    -- The sites as an array, not a subquery of t: a scan filtered by a CTE may not run in parallel. Only actions some count
                    -- can see are read: open, due in the period or verified in it.
                    WHERE a.site = ANY ($8) AND (cardinality(a.kpis) > 0 OR cardinality(a.objectives) > 0)
                      AND (a.status IN {open} OR a.original_due >= $5 AND a.original_due < $6 OR a.verified_at >= $5 AND a.verified_at < $6)
                    GROUP BY a.site, a.department, a.kpis, a.objectives) g),
            linked AS MATERIALIZED (SELECT k.kind, k.site, k.department, l.kpi FROM kinds k, unnest(k.kpis) AS l(kpi)),
            named AS MATERIALIZED (SELECT k.kind, k.site, n.objective FROM kinds k, unnest(k.objectives) AS n(objective)),
            served AS (
                SELECT t.objective, l.kind FROM linked l JOIN t ON t.site = l.site AND t.kpi = l.kpi WHERE t.department IS NULL OR l.department = t.department
                UNION
                SELECT t.objective, n.kind FROM named n JOIN (SELECT DISTINCT objective, site FROM t) t ON t.site = n.site AND t.objective = n.objective)
            SELECT s.objective, sum(k.open)::bigint, sum(k.overdue)::bigint, sum(k.due)::bigint, sum(k.on_time)::bigint, sum(k.unmoved)::bigint
            FROM served s JOIN kinds k USING (kind)
            GROUP BY s.objective
            """, r =>
            {
                int N(int i) => (int)r.GetInt64(i);
                return (Objective: r.GetString(0), Health: new ActionHealth(N(1), N(2), N(3), N(4), N(3) == 0 ? null : Math.Round((double)N(4) / N(3), 4), N(5)));
            }, ct,
            Sql.Texts([.. measures.Select(m => m.Objective.Id)]), Sql.Texts([.. measures.Select(m => m.Kpi.Site)]), Sql.Texts([.. measures.Select(m => m.Kpi.Kpi)]),
            new NpgsqlParameter { Value = measures.Select(m => m.Objective.Definition.Department).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
            Sql.Timestamp(period.From), Sql.Timestamp(period.Until), Sql.Timestamp(now), Sql.Texts([.. measures.Select(m => m.Kpi.Site).Distinct()]));
        return rows.ToDictionary(r => r.Objective, r => r.Health, StringComparer.Ordinal);
    }

    private Task<List<UnalignedAction>> UnalignedAsync(string[]? sites, List<(ObjectiveEntry Objective, ObjectiveKpi Kpi)> measures, CancellationToken ct) =>
        Sql.ListAsync(store.DataSource, $"""
            WITH measured AS MATERIALIZED (
                -- Per site, every KPI an objective is measured by there and every objective measured there: one overlap test per action.
                SELECT site, array_agg(DISTINCT kpi) AS kpis, array_agg(DISTINCT objective) AS objectives
                FROM unnest($2::text[], $3::text[], $4::text[]) AS t(site, kpi, objective) GROUP BY site)
            -- An anti-join walked in due order (action_index_open_due) stops at the page: the open actions are not all read and sorted.
            SELECT a.action_id, a.site, a.title, a.owner, a.current_due, a.kpis FROM {store.Schema}.action_index a
            WHERE a.status IN {ActionIndex.OpenStatuses} AND ($1::text[] IS NULL OR a.site = ANY ($1))
              AND NOT EXISTS (SELECT 1 FROM measured m WHERE m.site = a.site AND (a.kpis && m.kpis OR a.objectives && m.objectives))
            ORDER BY a.current_due, a.action_id LIMIT {UnalignedShown}
            """, r => new UnalignedAction(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Sql.TimeAt(r, 4), r.GetFieldValue<string[]>(5)), ct,
            Sql.Texts(sites), Sql.Texts([.. measures.Select(m => m.Kpi.Site)]), Sql.Texts([.. measures.Select(m => m.Kpi.Kpi)]),
            Sql.Texts([.. measures.Select(m => m.Objective.Id)]));
}
