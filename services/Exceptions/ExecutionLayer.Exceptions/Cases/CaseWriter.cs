using ExecutionLayer.EventSourcing;
using Npgsql;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// Runs decision steps against a case inside the detector's transaction, appends what they decided in
/// one append, and keeps the case index (list and lookup by trigger) in step — all or nothing.
/// </summary>
internal sealed class CaseWriter(EventStore store)
{
    public async Task<ExceptionCase?> DecideAsync(
        NpgsqlTransaction tx, Guid caseId, EventMetadata metadata, CancellationToken ct, params Func<ExceptionCase, IReadOnlyList<object>>[] steps)
    {
        var streamId = ExceptionCase.StreamId(caseId);
        var loaded = await store.LoadAsync<ExceptionCase>(tx, streamId, ct);
        var state = loaded.State;
        var decided = new List<object>();
        foreach (var step in steps)
        {
            var events = step(state);
            decided.AddRange(events);
            state = events.Aggregate(state, (s, e) => s.Evolve(e));
        }
        if (decided.Count == 0) return state;

        var expected = loaded.Exists ? ExpectedVersion.Exactly(loaded.Version) : ExpectedVersion.NoStream;
        await store.AppendAsync(tx, streamId, ExceptionCase.StreamType, expected, NewEvents.Of(decided), metadata with { Site = state.Site }, ct);
        await IndexAsync(tx, state, decided.OfType<CaseOpened>().FirstOrDefault(), ct);
        return state;
    }

    public Task<bool> ExistsAsync(NpgsqlTransaction tx, Guid caseId, CancellationToken ct) =>
        ScalarAsync(tx, $"SELECT EXISTS (SELECT 1 FROM {store.Schema}.streams WHERE stream_id = $1)", ct, ExceptionCase.StreamId(caseId));

    public async Task<Guid?> OpenCaseAsync(NpgsqlTransaction tx, CaseKind kind, string triggerKey, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT case_id FROM {store.Schema}.case_index WHERE kind = $1 AND trigger_key = $2 AND status NOT IN ('Resolved', 'Closed')", tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = kind.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = triggerKey });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    public async Task<List<(Guid CaseId, CaseKind Kind, string TriggerKey)>> OpenCasesAtAsync(NpgsqlTransaction tx, string site, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT case_id, kind, trigger_key FROM {store.Schema}.case_index WHERE site = $1 AND status NOT IN ('Resolved', 'Closed')", tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = site });
        var cases = new List<(Guid, CaseKind, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) cases.Add((reader.GetGuid(0), Enum.Parse<CaseKind>(reader.GetString(1)), reader.GetString(2)));
        return cases;
    }

    private async Task IndexAsync(NpgsqlTransaction tx, ExceptionCase state, CaseOpened? opened, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {store.Schema}.case_index AS c (case_id, kind, site, trigger_key, status, severity, summary, value_at_risk, opened_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), now())
            ON CONFLICT (case_id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity,
                value_at_risk = EXCLUDED.value_at_risk, updated_at = now()
            """, tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = state.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Kind.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Site });
        command.Parameters.Add(new NpgsqlParameter { Value = state.TriggerKey });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Severity.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = opened?.Summary ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Impact.ValueAtRisk });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)opened?.OpenedAt.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> ScalarAsync(NpgsqlTransaction tx, string sql, CancellationToken ct, string arg)
    {
        await using var command = new NpgsqlCommand(sql, tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
