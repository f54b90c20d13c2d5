using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Audit.PointInTime;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Audit.Tests;

/// <summary>
/// All four services, each its real Program, on one database (a schema each) and one vhost, sharing the
/// plant's clock; the chat bridge is a real webhook receiver. The audit service reaches the owning
/// services for point-in-time state through their in-memory test servers.
/// </summary>
public sealed class PlantLoop : IAsyncLifetime
{
    public const string Site = "OH-DAYTON";
    public const string Planner = "paula.planner";
    public const string PlantManager = "pat.plant";
    public const string Director = "dana.director";
    public const string MaintLead = "maint.lead";
    public const string QualityLead = "quality.lead";
    private const string BridgeSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly FreshVirtualHost _vhost = new();
    private readonly List<IAsyncDisposable> _factories = [];

    public FreshDatabase Database { get; } = new();
    public ManualClock Clock { get; } = new(Feed.Monday);
    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public WebhookReceiver Bridge { get; private set; } = null!;
    public HttpClient Exceptions { get; private set; } = null!;
    public HttpClient Approvals { get; private set; } = null!;
    public HttpClient Actions { get; private set; } = null!;
    public HttpClient Audit { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        Bridge = await WebhookReceiver.StartAsync(BridgeSecret);

        var exceptions = Start<Exceptions.ExceptionsOptions>(_ => { });
        var approvals = Start<Approvals.ApprovalsOptions>(web =>
        {
            web.UseSetting("Approvals:Tokens:Key", "plant-loop-token-key");
            web.UseSetting("Approvals:PublicBaseUrl", "http://approvals.test");
            web.UseSetting("Approvals:Webhooks:PollInterval", "00:00:00.050");
        });
        var actions = Start<Actions.ActionsOptions>(_ => { });
        var owners = new Dictionary<string, Func<HttpMessageHandler>>
        {
            ["exceptions.test"] = () => exceptions.Server.CreateHandler(),
            ["approvals.test"] = () => approvals.Server.CreateHandler(),
            ["actions.test"] = () => actions.Server.CreateHandler(),
        };
        var audit = Start<AuditOptions>(web =>
        {
            web.UseSetting("ConnectionStrings:AuditLedger", TestInfrastructure.AuditLedgerOn(Database.ConnectionString));
            web.UseSetting("Audit:Signing:PrivateKeyPem", SigningKey.ExportPkcs8PrivateKeyPem());
            web.UseSetting("Services:exceptions", "http://exceptions.test");
            web.UseSetting("Services:approvals", "http://approvals.test");
            web.UseSetting("Services:actions", "http://actions.test");
            web.ConfigureServices(services => services.AddHttpClient(PointInTimeApi.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new ByHost(owners)));
        });

        // Audit first: its queue must exist before the other services' outboxes publish the feed.
        Audit = audit.CreateDefaultClient(new GatewaySigningHandler());
        Exceptions = exceptions.CreateDefaultClient(new GatewaySigningHandler());
        Approvals = approvals.CreateDefaultClient(new GatewaySigningHandler());
        Actions = actions.CreateDefaultClient(new GatewaySigningHandler());
        Actions.DefaultRequestHeaders.Add("X-Actor", PlantManager);
        // The registry (exceptions) seeds the plant's sites; approvals and actions know them once their replicas have them.
        await PlantRegistry.ReplicatedAsync(Database.ConnectionString, "approvals");
        await PlantRegistry.ReplicatedAsync(Database.ConnectionString, "actions");
        await SetUpPlantAsync();
    }

    private WebApplicationFactory<T> Start<T>(Action<IWebHostBuilder> configure) where T : class
    {
        var factory = new WebApplicationFactory<T>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
            foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
            configure(web);
        });
        _factories.Add(factory);
        return factory;
    }

    private async Task SetUpPlantAsync()
    {
        await SendAsync(Approvals, HttpMethod.Put, $"/directory/{Site}/roles/plant-manager", new { people = new[] { PlantManager } });
        await SendAsync(Approvals, HttpMethod.Put, "/directory/CORPORATE/roles/operations-director", new { people = new[] { Director } });
        await SendAsync(Approvals, HttpMethod.Put, "/policies/overtime", new
        {
            name = "Overtime", site = (string?)null, match = new { subjectTypes = new[] { "overtime" } }, expiry = "P2D",
            stages = new[] { new { name = "Plant manager", approvers = new[] { new { role = "plant-manager" } }, quorum = new { kind = "any", n = 1 }, sla = "PT4H",
                escalation = new[] { new { role = "operations-director" } } } },
        });
        await SendAsync(Approvals, HttpMethod.Post, "/webhooks/subscriptions", new { url = Bridge.Url, secret = BridgeSecret });
        await SendAsync(Actions, HttpMethod.Put, $"/actions/sites/{Site}/rules", new
        {
            roles = new Dictionary<string, string[]>
            {
                ["maintenance-lead"] = [MaintLead], ["production-planner"] = [Planner], ["customer-service-rep"] = ["cs.rep"], ["quality-lead"] = [QualityLead],
                ["site-leader"] = [PlantManager],
            },
            managers = new Dictionary<string, string>(),
            overdueLadder = new[] { new { notify = "owner", after = "PT0S" } },
            repeatWindowDays = 90,
            verificationWindowDays = 14,
            defaultVerifierRole = "quality-lead",
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var client in new[] { Exceptions, Approvals, Actions, Audit }) client?.Dispose();
        for (var i = _factories.Count - 1; i >= 0; i--) await _factories[i].DisposeAsync();
        await Bridge.DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
        SigningKey.Dispose();
    }

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object body, HttpStatusCode? expected = null, string? actor = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: JsonDefaults.Options) };
        if (actor is not null) request.Headers.Add("X-Actor", actor);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected is null ? response.IsSuccessStatusCode : response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends each request to the in-memory server of the service its host names.</summary>
    private sealed class ByHost(Dictionary<string, Func<HttpMessageHandler>> owners) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!owners.TryGetValue(request.RequestUri!.Host, out var handler)) throw new HttpRequestException($"No service at {request.RequestUri.Host}.");
            return new HttpMessageInvoker(handler(), disposeHandler: true).SendAsync(request, cancellationToken);
        }
    }
}
