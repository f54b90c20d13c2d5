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

    /// <summary>Records a reading once; false when this source already reported this event. Readings of a KPI not (yet) defined are kept all the same.</summary>
    public async Task<bool> RecordAsync(StoreTransaction tx, KpiReadingRecorded reading, Provenance provenance, CancellationToken ct)
    {
        var inserted = await Sql.ExecAsync(tx.Transaction, $"""
            INSERT INTO {_s}.kpi_readings (site, kpi, value, unit, measured_at, source, source_event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT DO NOTHING
            """, ct, reading.Site, reading.Kpi, reading.Value, reading.Unit, reading.MeasuredAt, reading.Source, reading.SourceEventId);
        if (inserted == 0) return false;

        tx.Record(provenance with { Site = reading.Site, CorrelationId = provenance.CorrelationId ?? $"kpi-{reading.Site}-{reading.Kpi}", OccurredAt = reading.MeasuredAt });
        tx.Session.Events.Append(ReadingsStreamId(reading.Site, reading.Kpi), reading);
        await tx.Session.SaveChangesAsync(ct);
        if (await DefinitionAsync(tx.Transaction, reading.Site, reading.Kpi, ct) is { } definition && definition.Unit == reading.Unit)
            await Sql.ExecAsync(tx.Transaction, $"""
                UPDATE {_s}.kpi_index SET latest_value = $3, latest_at = $4, status = $5
                WHERE site = $1 AND kpi = $2 AND (latest_at IS NULL OR latest_at <= $4)
                """, ct, reading.Site, reading.Kpi, reading.Value, reading.MeasuredAt, definition.StatusOf(reading.Value).ToString());
        return true;
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
