using System.Diagnostics;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Store.Sites;

/// <summary>A registered site as a service reads it: its code, name, local time and defaults.</summary>
public sealed record SiteEntry(string Code, string Name, string TimeZone, string Currency, long Version, DateTimeOffset ChangedAt)
{
    /// <summary>Registration checks the id, so a stored one resolves; UTC only if the machine lost its zone data since.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The site's wall clock at <paramref name="at"/>.</summary>
    public DateTimeOffset LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>
    /// The ISO week <paramref name="at"/> falls in on the site's clock: from its Monday 00:00 to the next, each at
    /// the offset in force then (a week that changes to or from daylight saving time is an hour shorter or longer).
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End) WeekOf(DateTimeOffset at)
    {
        var local = LocalTime(at);
        var monday = local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var next = monday.AddDays(7);
        return (new DateTimeOffset(monday, Zone.GetUtcOffset(monday)), new DateTimeOffset(next, Zone.GetUtcOffset(next)));
    }
}

/// <summary>
/// The sites a service knows, in a table of its own schema: in the exceptions service the registry's read
/// model, written in the transaction that registers or changes a site; in every other service a replica
/// kept from <c>SitePublished</c>. Reads come from a snapshot refreshed at most every second, and at once
/// on a miss, so a site registered a moment ago is not refused for long.
/// </summary>
public sealed class SiteCatalog(ServiceStore store)
{
    public const string Table = "sites";

    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MissRefresh = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _snapshot = new(new Dictionary<string, SiteEntry>(StringComparer.Ordinal), Never);

    /// <summary>Stopwatch timestamps are positive: a snapshot read at 0 was never read.</summary>
    private const long Never = 0;

    private sealed record Snapshot(IReadOnlyDictionary<string, SiteEntry> Sites, long ReadAt)
    {
        public IReadOnlySet<string> Codes { get; } = Sites.Keys.ToHashSet(StringComparer.Ordinal);

        public bool YoungerThan(TimeSpan age) => ReadAt != Never && Stopwatch.GetElapsedTime(ReadAt) < age;
    }

    public static string Create(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.{Table} (
            code text PRIMARY KEY,
            name text NOT NULL,
            time_zone text NOT NULL,
            currency text NOT NULL,
            version bigint NOT NULL,
            changed_at timestamptz NOT NULL
        );
        """;

    /// <summary>Every site known, as of at most a second ago.</summary>
    public async Task<IReadOnlyDictionary<string, SiteEntry>> AllAsync(CancellationToken ct) =>
        (await RefreshedAsync(Freshness, ct)).Sites;

    /// <summary>The codes of every site known, as of at most a second ago.</summary>
    public async Task<IReadOnlySet<string>> CodesAsync(CancellationToken ct) => (await RefreshedAsync(Freshness, ct)).Codes;

    /// <summary>The site, or null when it is not registered (after looking again if the snapshot did not have it).</summary>
    public async Task<SiteEntry?> FindAsync(string code, CancellationToken ct)
    {
        var snapshot = await RefreshedAsync(Freshness, ct);
        if (snapshot.Sites.TryGetValue(code, out var site)) return site;
        return (await RefreshedAsync(MissRefresh, ct)).Sites.GetValueOrDefault(code);
    }

    /// <summary>Null when every code names a registered site; otherwise what to tell the caller about the first that does not.</summary>
    public async Task<string?> UnknownAsync(IEnumerable<string> codes, CancellationToken ct)
    {
        foreach (var code in codes)
            if (await FindAsync(code, ct) is null) return Unknown(code, await CodesAsync(ct));
        return null;
    }

    /// <summary>
    /// Takes a site in, in the caller's transaction; a version not above the one held changes nothing (a
    /// message delivered twice or late). The snapshot learns it once the caller has committed (<see cref="Forget"/>).
    /// </summary>
    public Task<int> KeepAsync(NpgsqlTransaction tx, SiteEntry site, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.{Table} AS t (code, name, time_zone, currency, version, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone, currency = EXCLUDED.currency,
            version = EXCLUDED.version, changed_at = EXCLUDED.changed_at
        WHERE t.version < EXCLUDED.version
        """, ct, site.Code, site.Name, site.TimeZone, site.Currency, site.Version, site.ChangedAt);

    /// <summary>After a commit that changed the table: the next read goes to it.</summary>
    public void Forget() => _snapshot = _snapshot with { ReadAt = Never };

    /// <summary>The problem text for a site nobody registered: where it is added, and what is known.</summary>
    public static string Unknown(string code, IEnumerable<string> known) =>
        $"Site '{code}' is not registered. An admin registers a plant with PUT /api/sites/{code} {{\"name\": …, \"timeZone\": \"America/New_York\"}}; "
        + $"registered: {(known.Any() ? string.Join(", ", known.Order(StringComparer.Ordinal)) : "none yet")}.";

    private async Task<Snapshot> RefreshedAsync(TimeSpan maxAge, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot.YoungerThan(maxAge)) return snapshot;
        await _refreshing.WaitAsync(ct);
        try
        {
            // Another caller may have read it while this one waited.
            if (_snapshot.YoungerThan(maxAge)) return _snapshot;
            var startedAt = Stopwatch.GetTimestamp();
            var sites = new Dictionary<string, SiteEntry>(StringComparer.Ordinal);
            await using var command = store.DataSource.CreateCommand($"SELECT code, name, time_zone, currency, version, changed_at FROM {store.Schema}.{Table}");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                sites[reader.GetString(0)] = new SiteEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                    reader.GetFieldValue<DateTimeOffset>(5));
            return _snapshot = new Snapshot(sites, startedAt);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
