using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.Kpis;

/// <summary>
/// The KPI registry's write path and lookups. A definition is a versioned stream; readings append to
/// a stream of their own per KPI, deduplicated on (source, source event id), and move the KPI's latest
/// value and status in the same transaction.
/// </summary>
public sealed class KpiRegistry(ServiceStore store)
{
    /// <summary>The kind of stream a KPI's readings are kept in, one per site and KPI.</summary>
    public const string ReadingsStreamType = "kpi-readings";

    public static string ReadingsStreamId(string site, string kpi) => $"readings-{site}-{kpi}";

    private readonly string _s = store.Schema;

    public async Task<Decided<Kpi, Kpi.Event>> DefineAsync(StoreTransaction tx, string site, string kpi, KpiDefinition definition, Provenance provenance, string by, CancellationToken ct)
    {
        var written = await tx.DecideAsync(Kpi.StreamId(site, kpi), null, (Kpi s) => Kpi.Define(s, site, kpi, definition, by, store.Clock.GetUtcNow()),
            _ => provenance with { Site = site, CorrelationId = $"kpi-{site}-{kpi}" }, ct);
        if (written.Events.Count == 0) return written;
        var latestInUnit = await LatestAsync(tx.Transaction, site, kpi, definition.Unit, ct);
        await Sql.ExecAsync(tx.Transaction, $"""
            INSERT INTO {_s}.kpi_index (site, kpi, name, unit, direction, target, green, red, perspective, version, definition, latest_value, latest_at, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13::timestamptz, $14)
            ON CONFLICT (site, kpi) DO UPDATE SET name = EXCLUDED.name, unit = EXCLUDED.unit, direction = EXCLUDED.direction, target = EXCLUDED.target,
                green = EXCLUDED.green, red = EXCLUDED.red, perspective = EXCLUDED.perspective, version = EXCLUDED.version, definition = EXCLUDED.definition,
                latest_value = EXCLUDED.latest_value, latest_at = EXCLUDED.latest_at, status = EXCLUDED.status
            """, ct, site, kpi, definition.Name, definition.Unit, definition.Direction.ToString(), definition.Target, definition.Green, definition.Red,
            definition.Perspective.ToString(), written.State.Version, EventJson.Of(definition), latestInUnit?.Value, latestInUnit?.MeasuredAt,
            definition.StatusOf(latestInUnit?.Value).ToString());
        return written;
    }

    /// <summary>Records a reading once; false when this source already reported this event.</summary>
    public async Task<bool> RecordAsync(StoreTransaction tx, KpiReadingRecorded reading, Provenance provenance, CancellationToken ct) =>
        (await RecordAllAsync(tx, [(reading, provenance)], ct)).Count == 1;

    /// <summary>
    /// Records readings once each, in a few statements whatever their number: a reading its source already reported (or that
    /// comes twice here) is left out. Each appends to its KPI's readings stream with its own provenance, and the newest of a
    /// KPI's readings in its definition's unit moves the KPI's latest value and status, unless a newer one is there already.
    /// Readings of a KPI not (yet) defined are kept all the same.
    /// </summary>
    /// <returns>The readings recorded now, in the order given.</returns>
    public async Task<IReadOnlyList<KpiReadingRecorded>> RecordAllAsync(
        StoreTransaction tx, IReadOnlyList<(KpiReadingRecorded Reading, Provenance Provenance)> readings, CancellationToken ct)
    {
        if (readings.Count == 0) return [];
        var stored = await InsertReadingsAsync(tx.Transaction, [.. readings.Select(r => r.Reading)], ct);
        var recorded = readings.Where(r => stored.Remove(KeyOf(r.Reading))).ToList(); // a key given twice: its first reading
        if (recorded.Count == 0) return [];

        await tx.AppendEachRecordedAsync(recorded.Select(r => (ReadingsStreamId(r.Reading.Site, r.Reading.Kpi), r.Reading, Guid.CreateVersion7(),
            r.Provenance with
            {
                Site = r.Reading.Site,
                CorrelationId = r.Provenance.CorrelationId ?? $"kpi-{r.Reading.Site}-{r.Reading.Kpi}",
                OccurredAt = r.Reading.MeasuredAt,
            })), ct);

        var definitions = await DefinitionsAsync(tx.Transaction, [.. recorded.Select(r => (r.Reading.Site, r.Reading.Kpi)).Distinct()], ct);
        var newest = recorded.Select(r => r.Reading)
            .Where(r => definitions.TryGetValue((r.Site, r.Kpi), out var definition) && definition.Unit == r.Unit)
            .GroupBy(r => (r.Site, r.Kpi))
            .Select(kpi => kpi.OrderBy(r => r.MeasuredAt).Last()) // of two at the same moment, the later given, as one by one
            .OrderBy(r => r.Site, StringComparer.Ordinal).ThenBy(r => r.Kpi, StringComparer.Ordinal) // rows locked in one order by every writer
            .ToList();
        if (newest.Count > 0)
            await Sql.ExecAsync(tx.Transaction, $"""
                UPDATE {_s}.kpi_index k SET latest_value = n.value, latest_at = n.at, status = n.status
                FROM unnest($1::text[], $2::text[], $3::numeric[], $4::timestamptz[], $5::text[]) AS n(site, kpi, value, at, status)
                WHERE k.site = n.site AND k.kpi = n.kpi AND (k.latest_at IS NULL OR k.latest_at <= n.at)
                """, ct, newest.Select(r => r.Site), newest.Select(r => r.Kpi), newest.Select(r => r.Value).ToArray(), Sql.Timestamps(newest.Select(r => r.MeasuredAt)),
                newest.Select(r => definitions[(r.Site, r.Kpi)].StatusOf(r.Value).ToString()));
        return [.. recorded.Select(r => r.Reading)];
    }

    private static (string, string, string, string) KeyOf(KpiReadingRecorded r) => (r.Site, r.Kpi, r.Source, r.SourceEventId);

    /// <summary>Inserts the readings no source reported before; the keys of those inserted.</summary>
    private async Task<HashSet<(string, string, string, string)>> InsertReadingsAsync(NpgsqlTransaction tx, IReadOnlyList<KpiReadingRecorded> readings, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            INSERT INTO {_s}.kpi_readings (site, kpi, value, unit, measured_at, source, source_event_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
            ON CONFLICT DO NOTHING
            RETURNING site, kpi, source, source_event_id
            """, [readings.Select(r => r.Site), readings.Select(r => r.Kpi), readings.Select(r => r.Value).ToArray(), readings.Select(r => r.Unit),
                Sql.Timestamps(readings.Select(r => r.MeasuredAt)), readings.Select(r => r.Source), readings.Select(r => r.SourceEventId)]);
        var inserted = new HashSet<(string, string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return inserted;
    }

    private async Task<Dictionary<(string Site, string Kpi), KpiDefinition>> DefinitionsAsync(NpgsqlTransaction tx, IReadOnlyList<(string Site, string Kpi)> kpis, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT k.site, k.kpi, k.definition FROM {_s}.kpi_index k JOIN unnest($1::text[], $2::text[]) AS w(site, kpi) ON k.site = w.site AND k.kpi = w.kpi
            """, [kpis.Select(k => k.Site), kpis.Select(k => k.Kpi)]);
        var definitions = new Dictionary<(string, string), KpiDefinition>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) definitions[(reader.GetString(0), reader.GetString(1))] = EventJson.Read<KpiDefinition>(reader.GetString(2));
        return definitions;
    }

    public async Task<KpiDefinition?> DefinitionAsync(NpgsqlTransaction tx, string site, string kpi, CancellationToken ct) =>
        await Sql.ScalarAsync<string>(tx, $"SELECT definition FROM {_s}.kpi_index WHERE site = $1 AND kpi = $2", ct, site, kpi) is { } json
            ? EventJson.Read<KpiDefinition>(json) : null;

    /// <summary>Readings in the definition's unit up to a moment, oldest first.</summary>
    public async Task<IReadOnlyList<Reading>> ReadingsAsync(NpgsqlTransaction tx, string site, string kpi, string unit, DateTimeOffset until, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT value, measured_at FROM {_s}.kpi_readings WHERE site = $1 AND kpi = $2 AND unit = $3 AND measured_at <= $4 ORDER BY measured_at
            """, [site, kpi, unit, until]);
        var readings = new List<Reading>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) readings.Add(new Reading(reader.GetDecimal(0), Sql.TimeAt(reader, 1)));
        return readings;
    }

    private async Task<Reading?> LatestAsync(NpgsqlTransaction tx, string site, string kpi, string unit, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT value, measured_at FROM {_s}.kpi_readings WHERE site = $1 AND kpi = $2 AND unit = $3 ORDER BY measured_at DESC LIMIT 1
            """, [site, kpi, unit]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Reading(reader.GetDecimal(0), Sql.TimeAt(reader, 1)) : null;
    }

    /// <summary>KPIs with status and the trend over their latest readings (in the definition's unit), in one query.</summary>
    public async Task<List<KpiView>> ViewsAsync(string? site, KpiStatus? status, string? kpi, CancellationToken ct, int keepReadings = 0)
    {
        await using var command = store.DataSource.CreateCommand($"""
            SELECT k.site, k.kpi, k.version, k.definition, k.latest_value, k.latest_at, k.status,
                ARRAY(SELECT r.value FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit
                      ORDER BY r.measured_at DESC LIMIT greatest($4, {KpiTrend.Window})),
                ARRAY(SELECT r.measured_at FROM {store.Schema}.kpi_readings r WHERE r.site = k.site AND r.kpi = k.kpi AND r.unit = k.unit
                      ORDER BY r.measured_at DESC LIMIT greatest($4, {KpiTrend.Window}))
            FROM {store.Schema}.kpi_index k
            WHERE ($1::text IS NULL OR k.site = $1) AND ($2::text IS NULL OR k.status = $2) AND ($3::text IS NULL OR k.kpi = $3)
            ORDER BY k.site, k.kpi
            """);
        command.Parameters.Add(Sql.Text(site));
        command.Parameters.Add(Sql.Text(status?.ToString()));
        command.Parameters.Add(Sql.Text(kpi));
        command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = keepReadings });
        var views = new List<KpiView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var definition = EventJson.Read<KpiDefinition>(reader.GetString(3));
            var values = reader.GetFieldValue<decimal[]>(7);
            var times = reader.GetFieldValue<DateTime[]>(8);
            var newestFirst = values.Zip(times, (v, t) => new Reading(v, new DateTimeOffset(t))).ToArray();
            views.Add(new KpiView(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), definition, reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                Sql.TimeOrNullAt(reader, 5), Enum.Parse<KpiStatus>(reader.GetString(6)),
                KpiTrend.Of(definition, [.. newestFirst.Take(KpiTrend.Window).Reverse().Select(r => r.Value)]),
                keepReadings > 0 ? [.. newestFirst.Take(keepReadings)] : null));
        }
        return views;
    }
}
