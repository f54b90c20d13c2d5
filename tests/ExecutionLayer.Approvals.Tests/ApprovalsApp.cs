using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// The real approvals service (its Program) on a database and vhost of its own, with another service
/// on the bus listening for outcomes and a real webhook receiver standing in for the chat bridge.
/// </summary>
/// <param name="settings">Configuration over the test defaults, e.g. a webhook break longer than a test takes.</param>
public sealed class ApprovalsApp(params (string Key, string Value)[] settings) : IAsyncLifetime
{
    public const string BridgeSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly FreshVirtualHost _vhost = new();
    private WebApplicationFactory<Program> _factory = null!;
    private SignedClients _people = null!;
    private readonly List<WebhookReceiver> _receivers = [];

    public FreshDatabase Database { get; } = new();
    public HttpClient Client { get; private set; } = null!;
    public BusProbe Bus { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;
    public WebhookReceiver Bridge { get; private set; } = null!;
    public Guid BridgeSubscription { get; private set; }

    /// <summary>The service's clock: the plant day's 09:06 until a test moves it (SLA and expiry run on it).</summary>
    public ManualClock Clock { get; } = new(Overtime.AskedAt);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        Bus = await new BusProbe(_vhost.Settings).Discard<DomainEventsRecorded>()
            .Listen<ApprovalGranted>().Listen<ApprovalRejected>().Listen<ApprovalExpired>().Listen<ApprovalWithdrawn>().Listen<ApprovalRefused>().StartAsync();
        Bridge = await WebhookReceiver.StartAsync(BridgeSecret);
        _factory = Instance();
        Client = _factory.CreateDefaultClient(new GatewaySigningHandler());
        _people = new SignedClients(handler => _factory.CreateDefaultClient(handler));
        await PlantRegistry.PublishAsync(Bus, Database.ConnectionString, "approvals");
        await SetUpPlantAsync();
    }

    /// <summary>The service as configured for this test, on its database and vhost: another instance each time it is called.</summary>
    private WebApplicationFactory<Program> Instance() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Development");
        web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
        web.UseSetting("Gateway:SigningKey", GatewaySigningHandler.Key);
        foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
        web.UseSetting("Approvals:Tokens:Key", "approvals-test-token-key");
        web.UseSetting("Approvals:PublicBaseUrl", "http://approvals.test");
        web.UseSetting("Approvals:Webhooks:MaxAttempts", "3");
        web.UseSetting("Approvals:Webhooks:RetryBaseDelay", "00:00:00.050");
        web.UseSetting("Approvals:Webhooks:BreakDuration", "00:00:01");
        web.UseSetting("Approvals:Webhooks:PollInterval", "00:00:00.050");
        foreach (var (key, value) in settings) web.UseSetting(key, value);
        web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    });

    /// <summary>A second instance of the service beside the first, as a scaled-out deployment runs it; started before it returns.</summary>
    public WebApplicationFactory<Program> StartAnotherInstance()
    {
        var another = Instance();
        _ = another.Server; // the test server (and the service's background work) starts on first use
        return another;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        _people.Dispose();
        await _factory.DisposeAsync();
        foreach (var receiver in _receivers) await receiver.DisposeAsync();
        await Bridge.DisposeAsync();
        await Bus.DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Dayton's plant manager, the corporate operations director, the overtime policy, and the bridge's subscription.</summary>
    private async Task SetUpPlantAsync()
    {
        await PutAsync("/directory/OH-DAYTON/roles/plant-manager", new { people = new[] { Overtime.PlantManager } });
        await PutAsync("/directory/CORPORATE/roles/operations-director", new { people = new[] { Overtime.Director } });
        await PutAsync("/policies/overtime", Overtime.Policy());
        var subscribed = await PostAsync("/webhooks/subscriptions", new { url = Bridge.Url, secret = BridgeSecret }, HttpStatusCode.Created);
        BridgeSubscription = subscribed.GetProperty("subscriptionId").GetGuid();
    }

    /// <summary>The planner's overtime request; posted with <see cref="As"/>(<see cref="Overtime.Planner"/>), whose request it then is.</summary>
    public static object OvertimeRequest(Guid? requestId = null, string site = "OH-DAYTON") => new
    {
        requestId = requestId ?? Guid.NewGuid(),
        subject = new { type = "overtime", id = $"{site}/2026-11-28" },
        site,
        amount = 18_000m,
        currency = "USD",
        reason = "Saturday shift to recover the CNC-4 backlog",
        correlationId = "case-cnc-4",
        decisionContext = Overtime.Context,
        followUps = new[] { new { title = "Staff the Saturday shift", owner = "shift-lead", dueInDays = 2 } },
    };

    public async Task<Guid> RequestOvertimeAsync(Guid? requestId = null) =>
        (await PostAsync("/approvals", OvertimeRequest(requestId), HttpStatusCode.Created, Overtime.Planner)).GetProperty("approvalId").GetGuid();

    /// <summary>A client signed as this person, as the gateway would sign them.</summary>
    public HttpClient As(string person) => _people.As(person);

    /// <summary>The notice the bridge received for this person about this request (requested or escalated).</summary>
    public Task<ReceivedWebhook> NoticeForAsync(Guid approvalId, string approver, string type = "approval.requested") =>
        Bridge.WaitForAsync(w => w.Type == type && w.Data.GetProperty("approvalId").GetGuid() == approvalId
            && w.Data.GetProperty("recipient").GetProperty("approver").GetString() == approver, $"the {type} notice for {approver}");

    /// <summary>A receiver of the test's own, subscribed to approval requests (or these event types; of these sites only); stopped with the app.</summary>
    public async Task<OwnReceiver> OwnReceiverAsync(string[]? sites = null, string[]? eventTypes = null)
    {
        var secret = StandardWebhooks.NewSecret();
        var receiver = await WebhookReceiver.StartAsync(secret);
        _receivers.Add(receiver);
        var subscribed = await PostAsync("/webhooks/subscriptions", new { url = receiver.Url, secret, eventTypes = eventTypes ?? ["approval.requested"], sites },
            HttpStatusCode.Created);
        return new OwnReceiver(this, receiver, subscribed.GetProperty("subscriptionId").GetGuid());
    }

    /// <summary>Waits until the subscription's delivery of this request's notice is in the state <paramref name="match"/> looks for.</summary>
    public async Task<JsonElement> DeliveryAsync(Guid subscription, Guid approvalId, Func<JsonElement, bool> match, string what)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var list = await Client.GetFromJsonAsync<JsonElement>($"/webhooks/deliveries?subscriptionId={subscription}&approvalId={approvalId}");
            found = list.EnumerateArray().FirstOrDefault(match);
            return found.ValueKind != JsonValueKind.Undefined;
        }, what);
        return found;
    }

    public static string TokenOf(ReceivedWebhook notice, string action) =>
        notice.Data.GetProperty("actions").GetProperty(action).GetProperty("token").GetString()!;

    public Task<HttpResponseMessage> DecideAsync(string token, string? comment = null) => Client.PostAsJsonAsync("/decisions", new { token, comment });

    public async Task<JsonElement> ApprovalAsync(Guid approvalId) => await Client.GetFromJsonAsync<JsonElement>($"/approvals/{approvalId}");

    public async Task<string> StatusOfAsync(Guid approvalId) => (await ApprovalAsync(approvalId)).GetProperty("state").GetProperty("status").GetString()!;

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<JsonElement> PutAsync(string path, object body)
    {
        var response = await Client.PutAsJsonAsync(path, body, JsonDefaults.Options);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected, string? person = null)
    {
        var response = await (person is null ? Client : As(person)).PostAsJsonAsync(path, body, JsonDefaults.Options);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>A test's own webhook receiver and its subscription, with the way to find its deliveries.</summary>
public sealed record OwnReceiver(ApprovalsApp App, WebhookReceiver Receiver, Guid Subscription)
{
    /// <summary>The delivery of this request's notice to this receiver, once <paramref name="match"/> holds for it.</summary>
    public Task<JsonElement> DeliveryAsync(Guid approvalId, Func<JsonElement, bool> match, string what) =>
        App.DeliveryAsync(Subscription, approvalId, match, what);

    /// <summary>The delivery of this request's notice to this receiver, once it is in <paramref name="status"/>.</summary>
    public Task<JsonElement> DeliveryAsync(Guid approvalId, string status) =>
        DeliveryAsync(approvalId, d => d.GetProperty("status").GetString() == status, $"a {status} delivery of {approvalId}");
}
