using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ExecutionLayer.Audit.Tests;

/// <summary>
/// The real audit service (its Program) on a database and vhost of its own, its ledger written by its
/// append-only role, with a probe on the bus publishing the audit feed as the services' outboxes do.
/// Checkpoints every 5 entries, so the tests see them without waiting.
/// </summary>
public sealed class AuditApp : IAsyncLifetime
{
    private readonly FreshVirtualHost _vhost = new();
    private WebApplicationFactory<AuditOptions> _factory = null!;

    public FreshDatabase Database { get; } = new();
    public BusProbe Bus { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public ManualClock Clock { get; } = new(Feed.Monday.AddDays(1));

    public string AppendRoleConnectionString => TestInfrastructure.AuditLedgerOn(Database.ConnectionString);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        Bus = await new BusProbe(_vhost.Settings).StartAsync();
        _factory = new WebApplicationFactory<AuditOptions>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            web.UseSetting("ConnectionStrings:AuditLedger", AppendRoleConnectionString);
            foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
            web.UseSetting("Audit:Signing:PrivateKeyPem", SigningKey.ExportPkcs8PrivateKeyPem());
            web.UseSetting("Audit:Checkpoints:EveryEntries", "5");
            web.UseSetting("Audit:Checkpoints:PollInterval", "00:00:00.100");
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        Client = _factory.CreateDefaultClient(new GatewaySigningHandler());
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Bus.DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
        SigningKey.Dispose();
    }

    /// <summary>
    /// Publishes feed events as their outbox would — each run of one source's events as a page, in the order given, under the page's id —
    /// and waits until the ledger holds <paramref name="expectedTotal"/>.
    /// </summary>
    public async Task<DomainEventRecorded[]> FeedAsync(long expectedTotal, params DomainEventRecorded[] events)
    {
        for (var start = 0; start < events.Length;)
        {
            var end = start;
            while (end < events.Length && events[end].Source == events[start].Source) end++;
            var page = events[start..end];
            await Bus.PublishAsync(new DomainEventsRecorded(page[0].Source, page),
                Messaging.Outbox.EventOutbox.AuditPageId(page[0].Source, page[0].SourceSequence, page[^1].SourceSequence));
            start = end;
        }
        await LedgerHoldsAsync(expectedTotal);
        return events;
    }

    public Task LedgerHoldsAsync(long expectedTotal) =>
        Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM audit.ledger") == expectedTotal, $"{expectedTotal} ledger entries");

    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Runs SQL as the PostgreSQL superuser with triggers off (session_replication_role = replica): the attacker the chain must catch.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET session_replication_role = replica; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> VerifyAsync() => GetAsync("/audit/verify");

    public async Task<string> GetTextAsync(string path) => await Client.GetStringAsync(path);

    public Task<HttpResponseMessage> RawAsync(string path) => Client.GetAsync(path);
}
