using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Messaging;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>The real exceptions service (its Program) on a database and vhost of its own.</summary>
public sealed class ExceptionsApp : IAsyncLifetime
{
    private readonly FreshVirtualHost _vhost = new();
    private WebApplicationFactory<Program> _factory = null!;
    private BusProbe _audit = null!;

    public FreshDatabase Database { get; } = new();
    public HttpClient Client { get; private set; } = null!;

    private SignedClients _people = null!;

    /// <summary>A client signed as this person, as the gateway would sign them.</summary>
    public HttpClient As(string person) => _people.As(person);

    /// <summary>A client the gateway signed with only these scopes (the default client is an admin).</summary>
    public HttpClient WithScopes(params string[] scopes) => _factory.CreateDefaultClient(new GatewaySigningHandler(null, scopes));

    /// <summary>The service's clock: the plant day's morning until a test moves it (SLA and delayed rules run on it).</summary>
    public ManualClock Clock { get; } = new(PlantDay.Monday.AddHours(9).AddMinutes(5));

    public RabbitMqSettings Bus => _vhost.Settings;

    public IServiceProvider Services => _factory.Services;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        // The audit service's queue, standing in for it: the audit feed is published mandatory, and a feed nobody
        // takes would hold every later page — and the integration events in it — back until someone binds one.
        _audit = await new BusProbe(_vhost.Settings).Discard<DomainEventsRecorded>().StartAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
            // Smyrna counts a changeover as a stop only after 45 minutes (the per-site, per-reason rule).
            web.UseSetting("Exceptions:SiteDetection:TN-SMYRNA:MachineDownAfterByReasonCode:CHANGEOVER", "00:45:00");
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        Client = _factory.CreateDefaultClient(new GatewaySigningHandler());
        _people = new SignedClients(handler => _factory.CreateDefaultClient(handler));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        _people.Dispose();
        await _factory.DisposeAsync();
        await _audit.DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Posts events as the ERP/MES would; every one must be taken (accepted now or before).</summary>
    public async Task<JsonElement> PostEventsAsync(params object[] events)
    {
        var response = await Client.PostAsJsonAsync("/events", events);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(events.Length, body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32());
        return body;
    }

    /// <summary>Waits for a case of this kind whose trigger subject ends with the test's suffix, optionally in a given status.</summary>
    public async Task<JsonElement> WaitForCaseAsync(string kind, string suffix, string? status = null, string site = "OH-DAYTON")
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var cases = await Client.GetFromJsonAsync<JsonElement>($"/exceptions?site={site}&kind={kind}");
            foreach (var c in cases.EnumerateArray())
            {
                var detail = await Client.GetFromJsonAsync<JsonElement>($"/exceptions/{c.GetProperty("caseId").GetString()}");
                var state = detail.GetProperty("state");
                if (state.GetProperty("triggerSubject").GetString()!.EndsWith(suffix, StringComparison.Ordinal)
                    && (status is null || state.GetProperty("status").GetString() == status))
                {
                    found = detail;
                    return true;
                }
            }
            return false;
        }, $"a {kind} case for {suffix}{(status is null ? "" : $" is {status}")}");
        return found;
    }

    public async Task<JsonElement> CaseAsync(string caseId) => await Client.GetFromJsonAsync<JsonElement>($"/exceptions/{caseId}");

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Task<List<string>> StringsAsync(string sql) => Database.StringsAsync(sql);
}
