using ExecutionLayer.Contracts.Sites;
using Npgsql;

namespace ExecutionLayer.Testing;

/// <summary>
/// The plant's three sites as the registry (the exceptions service) seeds and publishes them. A test that
/// runs a service without the registry publishes them on the bus as the registry would, and waits until the
/// service's replica holds them.
/// </summary>
public static class PlantRegistry
{
    public static readonly IReadOnlyList<SitePublished> All =
    [
        new("OH-DAYTON", "Dayton, Ohio", "America/New_York", "USD", 1, DateTimeOffset.UnixEpoch),
        new("TN-SMYRNA", "Smyrna, Tennessee", "America/Chicago", "USD", 1, DateTimeOffset.UnixEpoch),
        new("MI-FLINT", "Flint, Michigan", "America/Detroit", "USD", 1, DateTimeOffset.UnixEpoch),
    ];

    /// <summary>
    /// The settings that seed a registry with the plant's sites, for an exceptions service started where its own
    /// appsettings.json (which seeds them) is not the content root — the benchmarks' output.
    /// </summary>
    public static IEnumerable<(string Key, string Value)> SeedSettings() => All.SelectMany((s, i) => new[]
    {
        ($"Exceptions:SeedSites:{i}:Code", s.Code), ($"Exceptions:SeedSites:{i}:Name", s.Name),
        ($"Exceptions:SeedSites:{i}:TimeZone", s.TimeZone), ($"Exceptions:SeedSites:{i}:Currency", s.Currency),
    });

    /// <summary>Publishes every site and waits until <paramref name="schema"/>'s replica has them all.</summary>
    public static async Task PublishAsync(BusProbe bus, string connectionString, string schema, IEnumerable<SitePublished>? sites = null)
    {
        var published = (sites ?? All).ToList();
        foreach (var site in published) await bus.PublishAsync(site);
        await ReplicatedAsync(connectionString, schema, published.Select(s => s.Code));
    }

    /// <summary>Waits until <paramref name="schema"/>'s table of sites holds every code (the plant's three when none are given).</summary>
    public static async Task ReplicatedAsync(string connectionString, string schema, IEnumerable<string>? codes = null)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var wanted = (codes ?? All.Select(s => s.Code)).Distinct().ToArray();
        await Eventually.TrueAsync(async () =>
        {
            await using var command = database.CreateCommand($"SELECT count(*) FROM {schema}.sites WHERE code = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = wanted });
            try
            {
                return (long)(await command.ExecuteScalarAsync())! == wanted.Length;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return false; // the service's schema is not made yet
            }
        }, $"the {schema} service's table of sites holding {string.Join(", ", wanted)}");
    }
}
