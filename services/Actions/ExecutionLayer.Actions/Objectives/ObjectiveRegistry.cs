using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Objectives;

/// <summary>An objective as the index holds it: what the scorecard reads.</summary>
public sealed record ObjectiveEntry(string Id, int Version, ObjectiveDefinition Definition, ObjectivePeriod Period);

/// <summary>
/// The objectives' write path and lookups: each objective is a versioned stream; its index row (level, site, parent, period,
/// definition) is kept in the same transaction, so the cascade and the scorecard read a consistent tree.
/// </summary>
public sealed class ObjectiveRegistry(ServiceStore store)
{
    private readonly string _s = store.Schema;

    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.objective_index (
            objective_id text PRIMARY KEY, version int NOT NULL, level text NOT NULL, site text NULL, parent text NULL, period_from timestamptz NOT NULL,
            period_until timestamptz NOT NULL, definition text NOT NULL, retired boolean NOT NULL, updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS objective_index_parent ON {s}.objective_index (parent) WHERE NOT retired;
        CREATE INDEX IF NOT EXISTS objective_index_site ON {s}.objective_index (site, period_from) WHERE NOT retired;
        """;

    /// <summary>What a definition is checked against: its parent, the KPIs no site defines, and the levels of the objectives under it.</summary>
    public async Task<ObjectiveWorld> WorldAsync(StoreTransaction tx, string id, ObjectiveDefinition definition, CancellationToken ct)
    {
        var parent = definition.Parent is { } parentId ? (await tx.LoadAsync<Objective>(Objective.StreamId(parentId), ct)).State : null;
        var kpis = definition.Kpis ?? [];
        var defined = await Sql.StringsAsync(tx.Transaction, $"""
            SELECT site || '/' || kpi FROM {_s}.kpi_index WHERE (site, kpi) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """, ct, kpis.Select(k => k.Site).ToArray(), kpis.Select(k => k.Kpi).ToArray());
        var undefined = kpis.Select(k => $"{k.Site}/{k.Kpi}").Where(k => !defined.Contains(k)).ToArray();
        var children = await Sql.StringsAsync(tx.Transaction, $"SELECT level FROM {_s}.objective_index WHERE parent = $1 AND NOT retired", ct, id);
        return new ObjectiveWorld(parent is { Version: > 0 } ? parent : null, undefined, [.. children.Select(Enum.Parse<ObjectiveLevel>)]);
    }

    /// <summary>The ids an action at <paramref name="site"/> cannot serve: no objective in force there or at the company by that id.</summary>
    public async Task<IReadOnlyList<string>> NotServableAsync(StoreTransaction tx, IReadOnlyList<string> ids, string site, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var servable = await Sql.StringsAsync(tx.Transaction, $"""
            SELECT objective_id FROM {_s}.objective_index WHERE objective_id = ANY($1) AND NOT retired AND (site IS NULL OR site = $2)
            """, ct, ids.ToArray(), site);
        return [.. ids.Except(servable, StringComparer.Ordinal)];
    }

    public async Task<bool> HasChildrenAsync(StoreTransaction tx, string id, CancellationToken ct) =>
        (await Sql.StringsAsync(tx.Transaction, $"SELECT objective_id FROM {_s}.objective_index WHERE parent = $1 AND NOT retired LIMIT 1", ct, id)).Count > 0;

    /// <summary>Decides on the objective's stream and keeps its index row, in the caller's transaction.</summary>
    public async Task<Decided<Objective, Objective.Event>> DecideAsync(
        StoreTransaction tx, string id, Provenance provenance, Func<Objective, IReadOnlyList<Objective.Event>> decide, CancellationToken ct)
    {
        var written = await tx.DecideAsync(Objective.StreamId(id), null, decide,
            state => provenance with { Site = state.Definition?.Site ?? provenance.Site, CorrelationId = $"objective-{id}" }, ct);
        if (written.Events.Count == 0 || written.State.Definition is not { } definition) return written;
        var period = ObjectivePeriod.Parse(definition.Period)!;
        await Sql.ExecAsync(tx.Transaction, $"""
            INSERT INTO {_s}.objective_index (objective_id, version, level, site, parent, period_from, period_until, definition, retired, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
            ON CONFLICT (objective_id) DO UPDATE SET version = EXCLUDED.version, level = EXCLUDED.level, site = EXCLUDED.site, parent = EXCLUDED.parent,
                period_from = EXCLUDED.period_from, period_until = EXCLUDED.period_until, definition = EXCLUDED.definition, retired = EXCLUDED.retired,
                updated_at = now()
            """, ct, id, written.State.Version, definition.Level.ToString(), definition.Site, definition.Parent, period.From, period.Until,
            EventJson.Of(definition), written.State.Retired);
        return written;
    }

    /// <summary>The objectives in force (not retired) whose period overlaps <paramref name="period"/>, at these sites and the company's.</summary>
    public Task<List<ObjectiveEntry>> InForceAsync(ObjectivePeriod? period, string[]? sites, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT objective_id, version, definition FROM {_s}.objective_index
        WHERE NOT retired AND ($1::timestamptz IS NULL OR (period_from < $2 AND $1 < period_until)) AND ($3::text[] IS NULL OR site IS NULL OR site = ANY($3))
        ORDER BY objective_id
        """, r => Entry(r.GetString(0), r.GetInt32(1), r.GetString(2)), ct,
        Sql.Timestamp(period?.From), Sql.Timestamp(period?.Until), Sql.Texts(sites));

    private static ObjectiveEntry Entry(string id, int version, string json)
    {
        var definition = EventJson.Read<ObjectiveDefinition>(json);
        return new ObjectiveEntry(id, version, definition, ObjectivePeriod.Parse(definition.Period)!);
    }
}
