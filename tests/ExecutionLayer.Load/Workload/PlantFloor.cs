using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Demo.Plant;
using ExecutionLayer.Harness;
using static ExecutionLayer.Load.Workload.PlantSites;

namespace ExecutionLayer.Load.Workload;

/// <summary>
/// The callers of the generated day, each as the gateway knows them: the ERP/MES and the administrator
/// with API keys, each site's people with tokens for their own site, and the approver bridge.
/// </summary>
public sealed class PlantFloor
{
    private readonly Dictionary<string, GatewayClient> _people = new(StringComparer.Ordinal);

    public PlantFloor(HttpClient gateway, RunningSystem system, ApproverBridge bridge)
    {
        Bridge = bridge;
        Admin = GatewayClient.WithApiKey(gateway, "admin", system.Keys.Admin);
        Erp = GatewayClient.WithApiKey(gateway, "erp", system.Keys.Erp);
        Auditor = GatewayClient.WithApiKey(gateway, "auditor", system.Keys.Auditor);
        DecisionLinks = GatewayClient.Anonymous(gateway, "a decision link");
        foreach (var site in All)
        {
            _people[Planner(site)] = GatewayClient.WithToken(gateway, Planner(site),
                system.Tokens.For(Planner(site), ["approvals:write", "exceptions:read", "actions:read"], [site]));
            foreach (var person in new[] { MaintenanceLead(site), QualityLead(site) })
                _people[person] = GatewayClient.WithToken(gateway, person, system.Tokens.For(person, ["actions:write", "actions:read"], [site]));
        }
    }

    public ApproverBridge Bridge { get; }

    public GatewayClient Admin { get; }

    public GatewayClient Erp { get; }

    public GatewayClient Auditor { get; }

    public GatewayClient DecisionLinks { get; }

    public GatewayClient Person(string name) => _people[name];

    /// <summary>Before the day: who holds which role at each site, the two approval policies, the bridge, action rules and a KPI.</summary>
    public async Task SetUpAsync(CancellationToken ct)
    {
        await Admin.PutAsync("/api/directory/CORPORATE/roles/operations-director", new { people = new[] { Director } }, ct);
        await Admin.PutAsync("/api/policies/overtime", Policies.OneStage("Overtime", "overtime", "Plant manager", "plant-manager", "PT4H", "operations-director", "P7D"), ct);
        await Admin.PutAsync("/api/policies/deviation", Policies.OneStage("Use-as-is deviation", "deviation", "Quality lead", "quality-lead", "P2D", "plant-manager", "P7D"), ct);
        await Admin.PostAsync("/api/webhooks/subscriptions", new { url = Bridge.Url, secret = Bridge.Secret }, ct);
        foreach (var site in All)
        {
            await Admin.PutAsync($"/api/directory/{site}/roles/plant-manager", new { people = new[] { PlantManager(site) } }, ct);
            await Admin.PutAsync($"/api/directory/{site}/roles/quality-lead", new { people = new[] { QualityLead(site) } }, ct);
            await Admin.PutAsync($"/api/actions/sites/{site}/rules", new
            {
                roles = Roles(site), managers = new Dictionary<string, string>(), overdueLadder = new[] { new { notify = "owner", after = "PT0S" } },
                repeatWindowDays = 90, verificationWindowDays = 14, defaultVerifierRole = "quality-lead",
            }, ct);
            await Admin.PutAsync($"/api/kpis/{site}/scrap-rate", new
            {
                name = "Scrap rate", unit = "%", direction = "LowerIsBetter", target = 1.0m, green = 1.5m, red = 3.0m, perspective = "InternalProcess",
            }, ct);
        }
    }
}
