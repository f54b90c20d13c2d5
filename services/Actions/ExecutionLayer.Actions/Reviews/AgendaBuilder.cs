using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.Reviews;

/// <summary>
/// What a review opens with. Objectives: the scorecard's red ones at the site. KPIs: the site's KPIs in red or amber. Actions: every action of the
/// previous review of the same kind at the site (carried over or decided there) that is still open;
/// for the first review of its kind, every open action at the site, so nothing starts off the table.
/// </summary>
public sealed class AgendaBuilder(ServiceStore store, KpiRegistry kpis, Objectives.ScorecardQuery scorecard)
{
    /// <summary>The site's objectives the scorecard has in red this quarter (the company's above it included), worst first.</summary>
    public async Task<IReadOnlyList<AgendaObjective>> RedObjectivesAsync(string site, CancellationToken ct)
    {
        var now = store.Clock.GetUtcNow();
        var card = await scorecard.ForAsync(site, [site], Objectives.ObjectivePeriod.Parse($"{now.Year}-Q{(now.Month - 1) / 3 + 1}")!, ct);
        return [.. card.Perspectives.SelectMany(p => p.Objectives).Where(o => o.Status == Objectives.ScoreStatus.Red)
            .OrderBy(o => o.RolledScore).ThenBy(o => o.ObjectiveId, StringComparer.Ordinal)
            .Select(o => new AgendaObjective(o.ObjectiveId, o.Name, o.RolledScore, o.Flags))];
    }

    public async Task<(Guid? Previous, IReadOnlyList<AgendaAction> CarriedOver)> CarriedOverAsync(NpgsqlTransaction tx, OpenReview review, CancellationToken ct)
    {
        Guid? previous = null;
        Guid[] ids = [];
        await using (var command = Sql.Command(tx, $"""
            SELECT review_id, action_ids FROM {store.Schema}.review_index WHERE site = $1 AND kind = $2 AND review_id <> $3 ORDER BY opened_at DESC LIMIT 1
            """, [review.Site, review.Kind.ToString(), review.ReviewId]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) (previous, ids) = (reader.GetGuid(0), reader.GetFieldValue<Guid[]>(1));

        var actions = await ActionsAsync(tx, $"""
            SELECT action_id, title, owner, current_due, status FROM {store.Schema}.action_index
            WHERE status IN {ReadingActions.ActionIndex.OpenStatuses} AND ($1::uuid[] IS NULL OR action_id = ANY ($1::uuid[])) AND site = $2
            ORDER BY current_due, action_id
            """, [previous is null ? null : ids, review.Site], ct);
        return (previous, [.. actions.Values]);
    }

    public async Task<IReadOnlyList<AgendaKpi>> KpisAsync(string site, CancellationToken ct) =>
        [.. (await kpis.ViewsAsync(site, null, null, ct))
            .Where(k => k.Status is KpiStatus.Red or KpiStatus.Amber)
            .OrderByDescending(k => k.Status).ThenBy(k => k.Kpi, StringComparer.Ordinal)
            .Select(k => new AgendaKpi(k.Kpi, k.Definition.Name, k.Latest, k.Definition.Unit, k.Definition.Target, k.Status, k.Trend.Direction))];

    public Task<Dictionary<Guid, AgendaAction>> ActionsAsync(NpgsqlTransaction tx, Guid[] ids, CancellationToken ct) => ActionsAsync(tx, $"""
        SELECT action_id, title, owner, current_due, status FROM {store.Schema}.action_index WHERE action_id = ANY ($1)
        """, [ids], ct);

    private static async Task<Dictionary<Guid, AgendaAction>> ActionsAsync(NpgsqlTransaction tx, string sql, object?[] args, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, sql, args);
        var actions = new Dictionary<Guid, AgendaAction>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            actions[reader.GetGuid(0)] = new AgendaAction(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                Sql.TimeAt(reader, 3), Enum.Parse<Items.ActionStatus>(reader.GetString(4)));
        return actions;
    }
}
