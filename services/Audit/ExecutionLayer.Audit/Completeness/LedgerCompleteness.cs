using Npgsql;

namespace ExecutionLayer.Audit.Completeness;

/// <summary>
/// Each source numbers its audit publications 1, 2, 3… with no gaps, stable across re-publication;
/// any number missing below the highest one received is an event lost between that service and the
/// ledger. (A loss after the highest number shows up once a later one arrives, or by comparing
/// "highest" with the source's own outbox position.)
/// </summary>
internal sealed class LedgerCompleteness(NpgsqlDataSource db)
{
    private const int MaxRangesPerSource = 100;

    public async Task<CompletenessReport> CheckAsync(CancellationToken ct)
    {
        var sources = new Dictionary<string, SourceCompleteness>(StringComparer.Ordinal);
        await using (var totals = db.CreateCommand("SELECT source, count(*), max(source_sequence) FROM audit.ledger GROUP BY source ORDER BY source"))
        await using (var reader = await totals.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                sources[reader.GetString(0)] = new SourceCompleteness(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(2) - reader.GetInt64(1), []);

        // Gaps as ranges from a walk of the (source, source_sequence) index; a gap before the first one received counts too.
        await using (var gaps = db.CreateCommand("""
            SELECT source, previous + 1, source_sequence - 1 FROM (
                SELECT source, source_sequence, lag(source_sequence, 1, 0::bigint) OVER (PARTITION BY source ORDER BY source_sequence) AS previous
                FROM audit.ledger) s
            WHERE source_sequence > previous + 1 ORDER BY source, previous
            """))
        await using (var reader = await gaps.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var missing = sources[reader.GetString(0)].Missing;
                if (missing.Count < MaxRangesPerSource) missing.Add(new MissingRange(reader.GetInt64(1), reader.GetInt64(2)));
            }

        return new CompletenessReport(sources.Values.All(s => s.MissingCount == 0), [.. sources.Values]);
    }
}

internal sealed record MissingRange(long From, long To);

internal sealed record SourceCompleteness(string Source, long Received, long Highest, long MissingCount, List<MissingRange> Missing);

/// <summary><see cref="Complete"/> when no source has a number missing below its highest.</summary>
internal sealed record CompletenessReport(bool Complete, IReadOnlyList<SourceCompleteness> Sources);
