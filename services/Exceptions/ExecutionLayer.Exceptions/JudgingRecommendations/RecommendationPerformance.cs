using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.JudgingRecommendations;

/// <summary>Which recommendations a performance report counts: received in [From, To), at a site, from a source system, of a model.</summary>
public sealed record PerformanceFilter(string? Site, string? Source, string? Model, DateTimeOffset From, DateTimeOffset To, string[]? VisibleSites);

/// <summary>One confidence band: how many were judged in it, how sure they said they were, how often they came true.</summary>
public sealed record CalibrationBand(decimal From, decimal To, int Judged, decimal? MeanConfidence, decimal? Observed);

/// <summary>
/// How one source system's model version (or all of them: null names) performed. The definitions are in the README
/// (Recommendations → Performance); every rate is null when its denominator is 0.
/// </summary>
public sealed record PerformanceRow(
    string? SourceSystem, string? Model, string? ModelVersion,
    int Received, int Accepted, int AcceptedByPolicy, int AcceptedByPeople, int AcceptedModified, int Rejected, int Expired, int Withdrawn, int Refused,
    int Pending, decimal? AcceptanceRate, decimal? OverrideRate,
    int Judged, int CameTrue, int Unmeasured, int NotExecuted, decimal? HitRate, decimal? MeanConfidence, decimal? BrierScore,
    int KpiJudged, decimal? MeanExpectedChange, decimal? MeanRealisedChange, decimal? MeanRealisedToExpected,
    int Executed, TimeSpan? TimeToExecutionP50, TimeSpan? TimeToExecutionP90, IReadOnlyList<CalibrationBand> Calibration);

/// <summary>
/// Acceptance, override, realised effect, calibration and speed of recommendations, from their index: one statement for the
/// figures by model version and overall (grouping sets), one for the calibration bands.
/// </summary>
public sealed class RecommendationPerformance(ServiceStore store)
{
    /// <summary>The confidence bands calibration is read in.</summary>
    public static readonly IReadOnlyList<(decimal From, decimal To)> Bands = [(0m, 0.5m), (0.5m, 0.7m), (0.7m, 0.9m), (0.9m, 1m)];

    private readonly string _s = store.Schema;

    public async Task<IReadOnlyList<PerformanceRow>> QueryAsync(PerformanceFilter f, CancellationToken ct)
    {
        var where = """
            WHERE received_at >= $1 AND received_at < $2 AND ($3::text IS NULL OR site = $3) AND ($4::text IS NULL OR source_system = $4)
              AND ($5::text IS NULL OR model = $5) AND ($6::text[] IS NULL OR site = ANY($6))
            """;
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command($"""
            SELECT source_system, model, model_version, grouping(source_system, model, model_version) = 7 AS total,
                count(*), count(*) FILTER (WHERE status = 'Accepted'), count(*) FILTER (WHERE status = 'Accepted' AND accepted_by_policy),
                count(*) FILTER (WHERE status = 'Accepted' AND NOT accepted_by_policy), count(*) FILTER (WHERE status = 'Accepted' AND modified),
                count(*) FILTER (WHERE status = 'Rejected'), count(*) FILTER (WHERE status = 'Expired'), count(*) FILTER (WHERE status = 'Withdrawn'),
                count(*) FILTER (WHERE status = 'Refused'), count(*) FILTER (WHERE status = 'Pending'),
                count(*) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue')), count(*) FILTER (WHERE outcome = 'CameTrue'),
                count(*) FILTER (WHERE outcome = 'Unmeasured'), count(*) FILTER (WHERE outcome = 'NotExecuted'),
                avg(confidence) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue')),
                avg(power(confidence - CASE WHEN outcome = 'CameTrue' THEN 1 ELSE 0 END, 2)) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue')),
                count(*) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue') AND realised_change IS NOT NULL),
                avg(expected_change) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue') AND realised_change IS NOT NULL),
                avg(realised_change) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue') AND realised_change IS NOT NULL),
                avg(realised_change / expected_change) FILTER (WHERE outcome IN ('CameTrue', 'DidNotComeTrue') AND realised_change IS NOT NULL),
                count(*) FILTER (WHERE executed_at IS NOT NULL),
                percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY executed_at - received_at) FILTER (WHERE executed_at IS NOT NULL)
            FROM {_s}.recommendation_index {where}
            GROUP BY GROUPING SETS ((source_system, model, model_version), ())
            ORDER BY total, source_system COLLATE "C", model COLLATE "C", model_version COLLATE "C"
            """, f));
        batch.BatchCommands.Add(Command($"""
            SELECT source_system, model, model_version, grouping(source_system, model, model_version) = 7, width_bucket(confidence, ARRAY[0.5, 0.7, 0.9]) AS band,
                count(*), avg(confidence), avg(CASE WHEN outcome = 'CameTrue' THEN 1.0 ELSE 0.0 END)
            FROM {_s}.recommendation_index {where} AND outcome IN ('CameTrue', 'DidNotComeTrue')
            GROUP BY GROUPING SETS ((source_system, model, model_version, band), (band))
            """, f));

        var rows = new List<(string? System, string? Model, string? Version, PerformanceRow Row)>();
        var bands = new Dictionary<(string?, string?, string?), Dictionary<int, CalibrationBand>>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var total = reader.GetBoolean(3);
            var (system, model, version) = total ? (null, null, null) : (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            int N(int i) => (int)reader.GetInt64(i);
            decimal? D(int i) => reader.IsDBNull(i) ? null : Math.Round(reader.GetDecimal(i), 4);
            var (accepted, byPeople, modified, rejected, expired, judged, cameTrue) = (N(5), N(7), N(8), N(9), N(10), N(14), N(15));
            var times = reader.IsDBNull(25) ? [] : reader.GetFieldValue<TimeSpan[]>(25);
            rows.Add((system, model, version, new PerformanceRow(system, model, version, N(4), accepted, N(6), byPeople, modified, rejected, expired, N(11), N(12), N(13),
                Rate(accepted, accepted + rejected + expired), Rate(rejected + modified, byPeople + rejected), judged, cameTrue, N(16), N(17), Rate(cameTrue, judged),
                D(18), D(19), N(20), D(21), D(22), D(23), N(24), times.Length > 0 ? times[0] : null, times.Length > 1 ? times[1] : null, [])));
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetBoolean(3) ? ((string?)null, (string?)null, (string?)null) : (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            var band = reader.GetInt32(4);
            var (from, to) = Bands[band];
            if (!bands.TryGetValue(key, out var of)) bands[key] = of = [];
            of[band] = new CalibrationBand(from, to, (int)reader.GetInt64(5), Math.Round(reader.GetDecimal(6), 4), Math.Round(reader.GetDecimal(7), 4));
        }
        return [.. rows.Select(r => r.Row with
        {
            Calibration = [.. Bands.Select((b, i) => bands.TryGetValue((r.System, r.Model, r.Version), out var of) && of.TryGetValue(i, out var band) ? band
                : new CalibrationBand(b.From, b.To, 0, null, null))],
        })];
    }

    private static decimal? Rate(int part, int whole) => whole == 0 ? null : Math.Round((decimal)part / whole, 4);

    private static NpgsqlBatchCommand Command(string sql, PerformanceFilter f)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(Sql.Timestamp(f.From));
        command.Parameters.Add(Sql.Timestamp(f.To));
        command.Parameters.Add(Sql.Text(f.Site));
        command.Parameters.Add(Sql.Text(f.Source));
        command.Parameters.Add(Sql.Text(f.Model));
        command.Parameters.Add(Sql.Texts(f.VisibleSites));
        return command;
    }
}
