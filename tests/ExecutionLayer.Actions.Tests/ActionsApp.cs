using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Actions;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Actions.Tests;

/// <summary>
/// The real actions service (its Program) on a database and vhost of its own, with another service on
/// the bus publishing what exceptions and approvals would and listening for what actions promises.
/// Dayton's roster: the maintenance lead reports to the maintenance manager; the quality lead verifies;
/// the plant manager leads the site.
/// </summary>
public sealed class ActionsApp : IAsyncLifetime
{
    public const string Site = "OH-DAYTON";
    public const string MaintLead = "maint.lead";
    public const string MaintManager = "maint.manager";
    public const string QualityLead = "quality.lead";
    public const string PlantManager = "plant.manager";
    public const string Planner = "planner";

    private readonly FreshVirtualHost _vhost = new();
    private WebApplicationFactory<Program> _factory = null!;
    private readonly Dictionary<string, HttpClient> _clients = [];

    public FreshDatabase Database { get; } = new();
    public BusProbe Bus { get; private set; } = null!;

    /// <summary>The service's clock: Monday 2026-11-23 09:00 until a test moves it (overdue rungs and closure windows run on it).</summary>
    public ManualClock Clock { get; } = new(Given.Monday);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        Bus = await new BusProbe(_vhost.Settings).Discard<DomainEventsRecorded>()
            .Listen<ActionItemCreated>().Listen<ActionItemStarted>().Listen<ActionItemVerified>().Listen<ActionItemCancelled>().Listen<ActionItemOverdue>()
            .Listen<ActionClosureAssessed>().StartAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        _ = _factory.Server; // started: its replica of the site registry takes what the registry publishes
        await PlantRegistry.PublishAsync(Bus, Database.ConnectionString, "actions");
        await SendAsync(HttpMethod.Put, $"/actions/sites/{Site}/rules", new
        {
            roles = new Dictionary<string, string[]>
            {
                ["quality-lead"] = [QualityLead], ["site-leader"] = [PlantManager], ["maintenance-lead"] = [MaintLead], ["production-planner"] = [Planner],
            },
            managers = new Dictionary<string, string> { [MaintLead] = MaintManager },
            overdueLadder = new[] { new { notify = "owner", after = "PT0S" }, new { notify = "manager", after = "P1D" }, new { notify = "site-leader", after = "P3D" } },
            repeatWindowDays = 90,
            verificationWindowDays = 14,
            defaultVerifierRole = "quality-lead",
        }, PlantManager, HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values) client.Dispose();
        await _factory.DisposeAsync();
        await Bus.DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>A client the gateway signed as <paramref name="actor"/>; null for one that did not come through the gateway.</summary>
    public HttpClient As(string? actor)
    {
        var key = actor ?? "";
        if (_clients.TryGetValue(key, out var client)) return client;
        client = actor is null ? _factory.CreateClient() : _factory.CreateDefaultClient(new GatewaySigningHandler());
        if (actor is not null) client.DefaultRequestHeaders.Add("X-Actor", actor);
        return _clients[key] = client;
    }

    /// <summary>A client the gateway signed as <paramref name="actor"/> with only these scopes, at only these sites (not cached).</summary>
    public HttpClient WithScopes(string actor, string[] sites, params string[] scopes)
    {
        var client = _factory.CreateDefaultClient(new GatewaySigningHandler(sites, scopes));
        client.DefaultRequestHeaders.Add("X-Actor", actor);
        return client;
    }

    public static object NewAction(string title = "Replace CNC-4 spindle bearing", string owner = MaintLead, DateTimeOffset? due = null, string[]? kpis = null,
        string[]? tags = null, string evidence = "Document", string priority = "P2", string department = "maintenance", Guid? requestId = null) => new
    {
        requestId, title, owner, due = due ?? Given.Monday.AddDays(4), priority, site = Site, department, kpis = kpis ?? ["scrap-rate"],
        perspective = "InternalProcess", rootCauseTags = tags ?? ["spindle-bearing"], requiredEvidence = evidence,
    };

    public async Task<Guid> CreateAsync(object body, string by = PlantManager) =>
        (await SendAsync(HttpMethod.Post, "/actions", body, by, HttpStatusCode.Created)).GetProperty("actionId").GetGuid();

    /// <summary>A lifecycle command that must succeed.</summary>
    public Task<JsonElement> DoAsync(Guid actionId, string command, string by, object? body = null) =>
        SendAsync(HttpMethod.Post, $"/actions/{actionId}/{command}", body ?? new { }, by, HttpStatusCode.OK);

    public Task<HttpResponseMessage> TryAsync(Guid actionId, string command, string by, object? body = null) =>
        As(by).PostAsJsonAsync($"/actions/{actionId}/{command}", body ?? new { }, JsonDefaults.Options);

    /// <summary>Owner starts, claims with a work order as evidence; the quality lead verifies.</summary>
    public async Task CloseAsync(Guid actionId, string owner = MaintLead)
    {
        await DoAsync(actionId, "claim", owner, new { text = "Done", documentReference = "WO-5521", measuredValue = 1.0m });
        await DoAsync(actionId, "verify", QualityLead);
    }

    public async Task<JsonElement> ActionAsync(Guid actionId) => (await As(PlantManager).GetFromJsonAsync<JsonElement>($"/actions/{actionId}")).GetProperty("state");

    public async Task<JsonElement> GetAsync(string path) => await As(PlantManager).GetFromJsonAsync<JsonElement>(path);

    public async Task DefineScrapRateAsync() => await SendAsync(HttpMethod.Put, $"/kpis/{Site}/scrap-rate", new
    {
        name = "Scrap rate", unit = "%", direction = "LowerIsBetter", target = 1.0m, green = 1.5m, red = 3.0m, perspective = "InternalProcess",
    }, QualityLead, HttpStatusCode.OK);

    public Task<JsonElement> ReadAsync(string kpi, decimal value, DateTimeOffset at, string? sourceEventId = null) =>
        SendAsync(HttpMethod.Post, $"/kpis/{Site}/{kpi}/readings", new { value, measuredAt = at, sourceEventId }, "mes", HttpStatusCode.Created);

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Task<List<string>> StringsAsync(string sql) => Database.StringsAsync(sql);

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object body, string by, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: JsonDefaults.Options) };
        var response = await As(by).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
