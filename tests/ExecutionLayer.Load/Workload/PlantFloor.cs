using ExecutionLayer.Client.Models;
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
        var api = Admin.Api;
        await api.Directory["CORPORATE"].Roles["operations-director"].PutAsync(new() { People = [Director] }, cancellationToken: ct);
        await api.Policies["overtime"].PutAsync(Policies.OneStage("Overtime", "overtime", "Plant manager", "plant-manager", "PT4H", "operations-director", "P7D"), cancellationToken: ct);
        await api.Policies["deviation"].PutAsync(Policies.OneStage("Use-as-is deviation", "deviation", "Quality lead", "quality-lead", "P2D", "plant-manager", "P7D"), cancellationToken: ct);
        await api.Webhooks.Subscriptions.PostAsync(new() { Url = Bridge.Url, Secret = Bridge.Secret }, cancellationToken: ct);
        foreach (var site in All)
        {
            await api.Directory[site].Roles["plant-manager"].PutAsync(new() { People = [PlantManager(site)] }, cancellationToken: ct);
            await api.Directory[site].Roles["quality-lead"].PutAsync(new() { People = [QualityLead(site)] }, cancellationToken: ct);
            await api.Actions.Sites[site].Rules.PutAsync(Policies.SiteRules(Roles(site)), cancellationToken: ct);
            await api.Kpis[site]["scrap-rate"].PutAsync(new()
            {
                Name = "Scrap rate", Unit = "%", Direction = Direction.LowerIsBetter, Target = 1.0, Green = 1.5, Red = 3.0, Perspective = Perspective.InternalProcess,
            }, cancellationToken: ct);
        }
    }
}
