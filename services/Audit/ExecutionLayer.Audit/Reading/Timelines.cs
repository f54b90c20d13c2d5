using ExecutionLayer.Audit.Ledger;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

/// <summary>
/// The plan-to-outcome chain. For a correlation: its entries and their causes. For a subject
/// ("sales-order/SO-1001"): the entries that mention it, everything in their cases', approvals' and
/// actions' correlations, and the causes of all of those (the ERP/MES event that opened a case) — but
/// not the rest of an intake batch, whose one request id covers unrelated orders too.
/// </summary>
internal sealed class Timelines(NpgsqlDataSource db, AuditOptions options)
{
    public const string IntakeStreamType = "intake";
    private const int CauseRounds = 6;

    public int Limit => options.MaxPageSize * 10;

    public async Task<List<(LedgerRow Row, long? CausedBy)>> OfCorrelationAsync(string correlationId, CancellationToken ct)
    {
        var rows = await LedgerRows.QueryAsync(db, "WHERE correlation_id = $1 ORDER BY sequence LIMIT $2", ct,
            new NpgsqlParameter { Value = correlationId }, new NpgsqlParameter { Value = Limit });
        return CausalOrder.Of(await WithCausesAsync(rows, ct));
    }

    public async Task<List<(LedgerRow Row, long? CausedBy)>> OfSubjectAsync(string subject, CancellationToken ct)
    {
        var seeds = await LedgerRows.QueryAsync(db, "WHERE subjects @> ARRAY[$1::text] ORDER BY sequence LIMIT $2", ct,
            new NpgsqlParameter { Value = subject }, new NpgsqlParameter { Value = Limit });
        var correlations = seeds.Where(r => r.Entry.StreamType != IntakeStreamType && r.Entry.CorrelationId is not null)
            .Select(r => r.Entry.CorrelationId!).Distinct().ToArray();
        var correlated = correlations.Length == 0 ? [] : await LedgerRows.QueryAsync(db, "WHERE correlation_id = ANY($1) ORDER BY sequence LIMIT $2", ct,
            new NpgsqlParameter { Value = correlations }, new NpgsqlParameter { Value = Limit });
        return CausalOrder.Of(await WithCausesAsync(seeds.Concat(correlated), ct));
    }

    /// <summary>Adds, round by round, the entries named as causes that are not in the set yet.</summary>
    private async Task<List<LedgerRow>> WithCausesAsync(IEnumerable<LedgerRow> rows, CancellationToken ct)
    {
        var set = new Dictionary<long, LedgerRow>();
        foreach (var row in rows) set.TryAdd(row.Entry.Sequence, row);
        for (var round = 0; round < CauseRounds && set.Count < Limit; round++)
        {
            var known = set.Values.SelectMany(r => new[] { r.Entry.SourceEventId, r.Entry.MessageId }).ToHashSet();
            var wanted = set.Values.Select(r => CausalOrder.CauseId(r.Entry)).OfType<Guid>().Where(id => !known.Contains(id)).Distinct().ToArray();
            if (wanted.Length == 0) break;
            var causes = await LedgerRows.QueryAsync(db, "WHERE source_event_id = ANY($1) OR message_id = ANY($1) LIMIT $2", ct,
                new NpgsqlParameter { Value = wanted }, new NpgsqlParameter { Value = Limit });
            var added = causes.Count(c => set.TryAdd(c.Entry.Sequence, c));
            if (added == 0) break;
        }
        return [.. set.Values];
    }
}
