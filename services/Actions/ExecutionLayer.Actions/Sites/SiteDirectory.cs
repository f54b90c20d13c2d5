using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Types;
using Npgsql;

namespace ExecutionLayer.Actions.Sites;

/// <summary>Reads a site's rules (the defaults until the site sets its own) inside the caller's transaction.</summary>
public sealed class SiteDirectory(EventStore store)
{
    public async Task<SiteRules> RulesAsync(NpgsqlTransaction tx, string site, CancellationToken ct)
    {
        var json = await Sql.ScalarAsync<string>(tx, $"SELECT rules FROM {store.Schema}.site_rules WHERE site = $1", ct, site);
        return json is null ? SiteRules.Default : EventJson.Read<SiteRules>(json);
    }

    public async Task<SiteRules> RulesAsync(string site, CancellationToken ct)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        return await RulesAsync(tx, site, ct);
    }
}
