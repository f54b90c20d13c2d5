using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.Sites;

/// <summary>Reads a site's rules (the defaults until the site sets its own) inside the caller's transaction.</summary>
public sealed class SiteDirectory(ServiceStore store)
{
    public async Task<SiteRules> RulesAsync(NpgsqlTransaction tx, string site, CancellationToken ct)
    {
        var json = await Sql.ScalarAsync<string>(tx, $"SELECT rules FROM {store.Schema}.site_rules WHERE site = $1", ct, site);
        return json is null ? SiteRules.Default : EventJson.Read<SiteRules>(json);
    }

    public async Task<SiteRules> RulesAsync(string site, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT rules FROM {store.Schema}.site_rules WHERE site = $1");
        command.Parameters.Add(Sql.Text(site));
        return await command.ExecuteScalarAsync(ct) is string json ? EventJson.Read<SiteRules>(json) : SiteRules.Default;
    }
}
