using System.Text.Json;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Testing;
using Npgsql;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>
/// The system as processes, set up as a plant (roles, an overtime policy, action rules, a KPI, a case) and
/// reached only through its gateway by the people and machines below. Rate limits are raised so a sweep of
/// thousands of requests is judged on its answers, not throttled.
/// </summary>
public sealed class GovernedPlant : IAsyncLifetime
{
    // The demo's cast (Cast.Planner, Cast.PlantManager, …) plays the plant; these two are this fixture's own.
    public const string Buyer = "bea.buyer";
    public const string AdminPerson = "ada.admin";

    /// <summary>The company's objective the plant's objectives serve.</summary>
    public const string CompanyObjective = "company-quality";

    /// <summary>The services that keep events.</summary>
    private static readonly string[] Services = ["exceptions", "approvals", "actions"];

    private readonly RunningSystem _system = new(new SystemShape(ShiftableClock: false, Gateway: new Dictionary<string, string>
    {
        ["Gateway__RateLimits__RequestsPerSecond"] = "5000",
        ["Gateway__RateLimits__Burst"] = "10000",
    }));

    private HttpClient _http = null!;

    public RunningSystem System => _system;

    public GatewayCalls Calls { get; private set; } = null!;

    public ApproverBridge Bridge { get; private set; } = null!;

    public Caller Admin { get; private set; } = null!;
    public Caller Erp { get; private set; } = null!;
    public Caller Auditor { get; private set; } = null!;

    /// <summary>The machine-down case the overtime requests are asked on.</summary>
    public Guid MachineCase { get; private set; }

    public Caller Person(string name, params string[] scopes) =>
        new(name, h => h.Authorization = new("Bearer", _system.Tokens.For(name, scopes, [Site])));

    public Caller AdminAsPerson => new(AdminPerson, h => h.Authorization = new("Bearer", _system.Tokens.For(AdminPerson, ["admin"], ["*"])));

    public Caller PlanningDesk => Person(Planner, "approvals:write", "exceptions:read");

    public Caller Manager => Person(PlantManager, "approvals:write", "approvals:decide", "actions:write", "actions:read", "exceptions:read");

    public Caller Maintenance => Person(MaintenanceLead, "actions:write", "actions:read");

    public Caller Quality => Person(QualityLead, "actions:write", "actions:read");

    public Caller CustomerServiceDesk => Person(CustomerService, "approvals:write", "exceptions:read");

    public async Task InitializeAsync()
    {
        try
        {
            await _system.InitializeAsync();
            _http = new HttpClient { BaseAddress = new Uri(_system.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(60) };
            Calls = new GatewayCalls(_http);
            Admin = new Caller("api-key:e2e-admin", h => h.Add("X-Api-Key", _system.Keys.Admin));
            Erp = new Caller("api-key:e2e-erp", h => h.Add("X-Api-Key", _system.Keys.Erp));
            Auditor = new Caller("api-key:e2e-auditor", h => h.Add("X-Api-Key", _system.Keys.Auditor));
            Bridge = await ApproverBridge.StartAsync();
            await SetUpAsync();
        }
        catch (Exception e)
        {
            var logs = _system.Processes.Count > 0 ? _system.Logs() : "";
            await DisposeAsync();
            throw new InvalidOperationException($"The governed plant did not start: {e.Message}\n{logs}", e);
        }
    }

    private async Task SetUpAsync()
    {
        await Calls.OkAsync(Admin, HttpMethod.Put, $"/api/directory/{Site}/roles/plant-manager", new { people = new[] { PlantManager } });
        await Calls.OkAsync(Admin, HttpMethod.Put, "/api/directory/CORPORATE/roles/operations-director", new { people = new[] { Director } });
        await Calls.OkAsync(Admin, HttpMethod.Put, "/api/policies/overtime",
            Demo.Plant.Policies.OneStage("Overtime", "overtime", "Plant manager", "plant-manager", "PT4H", "operations-director", "P2D"));
        await Calls.OkAsync(Admin, HttpMethod.Post, "/api/webhooks/subscriptions", new { url = Bridge.Url, secret = Bridge.Secret });
        await Calls.OkAsync(Admin, HttpMethod.Put, $"/api/governed-fields/{Site}/sales-order/promise-date",
            new { ownerRole = "customer-service-rep", subjectType = "promise-date-change" });
        await Calls.OkAsync(Admin, HttpMethod.Put, $"/api/actions/sites/{Site}/rules", new
        {
            roles = new Dictionary<string, string[]>
            {
                ["maintenance-lead"] = [MaintenanceLead], ["production-planner"] = [Planner], ["customer-service-rep"] = [CustomerService],
                ["quality-lead"] = [QualityLead], ["site-leader"] = [PlantManager],
            },
            defaultVerifierRole = "quality-lead",
        });
        await Calls.OkAsync(Admin, HttpMethod.Put, $"/api/kpis/{Site}/scrap-rate", new
        {
            name = "Scrap rate", unit = "%", direction = "LowerIsBetter", target = 1.0m, green = 1.5m, red = 3.0m, perspective = "InternalProcess",
        });
        await Calls.OkAsync(Admin, HttpMethod.Put, $"/api/objectives/{CompanyObjective}", new
        {
            name = "Make it right first time", level = "corporate", perspective = "InternalProcess", owner = "ceo.carla", period = "2026",
            kpis = new[] { new { site = Site, kpi = "scrap-rate", weight = 1m } },
        });
        var now = DateTimeOffset.UtcNow;
        await Calls.OkAsync(Erp, HttpMethod.Post, "/api/events", new object[]
        {
            Event("wo-77", "sap-oh", "ProductionOrderReleased", "production-order/PR-77", now.AddHours(-2),
                new { orderId = "PR-77", item = "AXLE-40", quantity = 400, workCenter = "CNC-4", due = now.AddDays(3), materials = Array.Empty<object>() }),
            Event("cnc4-down", "mes-cnc", "MachineStateChanged", "work-center/CNC-4", now.AddMinutes(-5),
                new { workCenter = "CNC-4", state = "down", reasonCode = "SP-101", reason = "spindle fault" }),
        });
        MachineCase = await UntilAsync("the machine-down case", async () =>
            (await Calls.OkAsync(Admin, HttpMethod.Get, $"/api/exceptions?site={Site}&kind=machineDown")).Items().Select(c => c.At("caseId").GetGuid()).FirstOrDefault() is var id
            && id != Guid.Empty ? id : (Guid?)null);
    }

    public static object Event(string id, string source, string type, string subject, DateTimeOffset at, object data, string site = Site) =>
        new { specversion = "1.0", id, source, type, site, subject, time = at, data };

    /// <summary>Waits for background work (a consumer, a projection, the ledger) to make something true, with room for a loaded machine.</summary>
    public static async Task<T> UntilAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? patience = null) where T : struct
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Every event any service stored, and every ledger entry, that requests whose correlation id starts with
    /// <paramref name="correlationPrefix"/> caused: what refused requests must not leave. Counted by correlation, not
    /// by totals, because work an earlier request set going (a consumer, a deadline) may still append at any time.
    /// </summary>
    public async Task<long> StoredByAsync(string correlationPrefix)
    {
        await using var connection = new NpgsqlConnection(_system.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT {string.Join(" + ", Services.Select(ServiceEvents.Table).Append("audit.ledger").Select(table =>
                $"(SELECT count(*) FROM {table} WHERE starts_with(correlation_id, $1) OR starts_with(causation_id, $1))"))}
            """, connection) { Parameters = { new() { Value = correlationPrefix } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), global::System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every event every service stored, and every ledger entry: counted until they stop moving.</summary>
    public async Task<long> StoredAsync() =>
        await ScalarAsync($"""
            SELECT {string.Join(" + ", Services.Select(s => $"(SELECT count(*) FROM {ServiceEvents.Table(s)})"))} + (SELECT count(*) FROM audit.ledger)
            """);

    /// <summary>Once every stored event is in the ledger: before counting, so work already under way is not taken for a refused request's.</summary>
    public async Task SettledAsync()
    {
        await UntilAsync("the ledger to hold every stored event", async () =>
            await ScalarAsync($"SELECT {string.Join(" + ", Services.Select(s => $"(SELECT count(*) FROM {ServiceEvents.Table(s)})"))}")
            == await ScalarAsync("SELECT count(*) FROM audit.ledger") ? true : (bool?)null, TimeSpan.FromSeconds(90));
        // Deadlines and consumers may still append after the counts meet; a short quiet period confirms it.
        var quiet = await StoredAsync();
        await Task.Delay(300);
        if (await StoredAsync() != quiet) await SettledAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_system.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), global::System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The ledger's entries caused by one request (its correlation id is their causation, or their correlation), as the auditor reads them.</summary>
    public async Task<IReadOnlyList<JsonElement>> LedgerEntriesOfAsync(string actor, string correlationId)
    {
        var page = await Calls.OkAsync(Auditor, HttpMethod.Get, $"/api/audit/entries?actor={Uri.EscapeDataString(actor)}&limit=1000");
        return [.. page.Items("entries").Where(e => e.Text("causationId") == correlationId || e.Text("correlationId") == correlationId)];
    }

    public async Task DisposeAsync()
    {
        if (Bridge is not null) await Bridge.DisposeAsync();
        _http?.Dispose();
        await _system.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GovernedPlantCollection : ICollectionFixture<GovernedPlant>
{
    public const string Name = "a governed plant";
}
