using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Actions.Sites;

/// <summary>A site's rules as commands read them (the defaults until the site sets its own), kept beside the site's settings stream.</summary>
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

    /// <summary>In the transaction that appends the change, so a command never reads rules the stream does not hold.</summary>
    public Task SaveAsync(NpgsqlTransaction tx, string site, SiteRules rules, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.site_rules (site, rules) VALUES ($1, $2) ON CONFLICT (site) DO UPDATE SET rules = EXCLUDED.rules
        """, ct, site, EventJson.Of(rules));
}
