using ExecutionLayer.Demo.Api;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// Who acts in the plant's day, each as their own caller of the gateway: the machines with API keys,
/// the people with tokens scoped to the Dayton plant.
/// </summary>
public sealed class Cast
{
    public const string Site = "OH-DAYTON";
    public const string Planner = "paula.planner";
    public const string PlantManager = "pat.plant";
    public const string Director = "dana.director";
    public const string MaintenanceLead = "maint.lead";
    public const string QualityLead = "quality.lead";
    public const string QualityEngineer = "quinn.quality";
    public const string Logistics = "lou.logistics";
    public const string CustomerService = "cs.rep";

    public Cast(HttpClient gateway, DevelopmentCredentials keys, DevelopmentTokens tokens)
    {
        GatewayClient Person(string name, params string[] scopes) => GatewayClient.WithToken(gateway, name, tokens.For(name, scopes, [Site]));

        Admin = GatewayClient.WithApiKey(gateway, "dev-admin", keys.Admin);
        Erp = GatewayClient.WithApiKey(gateway, "dev-erp", keys.Erp);
        Auditor = GatewayClient.WithApiKey(gateway, "dev-auditor", keys.Auditor);
        PlanningAssistant = GatewayClient.WithApiKey(gateway, "dev-planner", keys.Planner);
        DecisionLinks = GatewayClient.Anonymous(gateway, "a decision link");
        PlanningDesk = Person(Planner, "approvals:write", "exceptions:read");
        Maintenance = Person(MaintenanceLead, "actions:write");
        Quality = Person(QualityLead, "actions:write");
        QualityEngineering = Person(QualityEngineer, "actions:write");
        Manager = Person(PlantManager, "actions:write", "actions:read", "exceptions:read");
    }

    /// <summary>Sets the plant up (roles, policies, rules, KPIs) and moves the development clock.</summary>
    public GatewayClient Admin { get; }

    /// <summary>SAP and the MES posting operational events to the intake.</summary>
    public GatewayClient Erp { get; }

    public GatewayClient Auditor { get; }

    /// <summary>A planning copilot: it recommends; people or the site's recommendation policy decide.</summary>
    public GatewayClient PlanningAssistant { get; }

    /// <summary>What the approver bridge uses to act on a link: the link's token is the only proof.</summary>
    public GatewayClient DecisionLinks { get; }

    public GatewayClient PlanningDesk { get; }

    public GatewayClient Maintenance { get; }

    public GatewayClient Quality { get; }

    public GatewayClient QualityEngineering { get; }

    public GatewayClient Manager { get; }
}
