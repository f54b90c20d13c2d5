namespace ExecutionLayer.Load.Workload;

/// <summary>The three plants of the generated day and who works at each, named after the site's code.</summary>
public static class PlantSites
{
    public static readonly string[] All = ["OH-DAYTON", "TN-SMYRNA", "MI-FLINT"];

    public const string Director = "dana.director";

    public static string Code(string site) => site.Split('-')[1].ToLowerInvariant();

    public static string Planner(string site) => $"planner.{Code(site)}";

    public static string PlantManager(string site) => $"pm.{Code(site)}";

    public static string MaintenanceLead(string site) => $"maint.{Code(site)}";

    public static string QualityLead(string site) => $"ql.{Code(site)}";

    /// <summary>Who owns each function's response at the site (the actions service's role table).</summary>
    public static Dictionary<string, string[]> Roles(string site) => new()
    {
        ["maintenance-lead"] = [MaintenanceLead(site)],
        ["production-planner"] = [Planner(site)],
        ["customer-service-rep"] = [$"cs.{Code(site)}"],
        ["quality-engineer"] = [$"qe.{Code(site)}"],
        ["logistics-coordinator"] = [$"log.{Code(site)}"],
        ["quality-lead"] = [QualityLead(site)],
        ["site-leader"] = [PlantManager(site)],
    };
}
