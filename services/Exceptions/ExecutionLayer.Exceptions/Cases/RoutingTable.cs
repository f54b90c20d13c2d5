namespace ExecutionLayer.Exceptions.Cases;

/// <summary>One row of the routing table: at this site (or "*"), this kind of case at or above this severity goes to this function.</summary>
public sealed record RoutingRule(string Site, CaseKind Kind, Severity MinSeverity, string Function, string OwnerRole);

/// <summary>Who acts on which exception. Site rows replace the corporate ("*") rows for that kind.</summary>
public sealed class RoutingTable(IReadOnlyList<RoutingRule> rules)
{
    public static RoutingTable Default { get; } = new([
        new("*", CaseKind.MachineDown, Severity.Low, "maintenance", "maintenance-lead"),
        new("*", CaseKind.MachineDown, Severity.Medium, "production-planning", "production-planner"),
        new("*", CaseKind.MachineDown, Severity.High, "customer-service", "customer-service-rep"),
        new("*", CaseKind.QualityHold, Severity.Low, "quality", "quality-engineer"),
        new("*", CaseKind.QualityHold, Severity.Medium, "logistics", "logistics-coordinator"),
        new("*", CaseKind.QualityHold, Severity.Medium, "production-planning", "production-planner"),
        new("*", CaseKind.QualityHold, Severity.High, "customer-service", "customer-service-rep"),
        new("*", CaseKind.Shortage, Severity.Low, "procurement", "buyer"),
        new("*", CaseKind.Shortage, Severity.Medium, "production-planning", "production-planner"),
        new("*", CaseKind.Shortage, Severity.High, "customer-service", "customer-service-rep"),
    ]);

    public IReadOnlyList<RoutedFunction> FunctionsFor(string site, CaseKind kind, Severity severity)
    {
        var forSite = rules.Where(r => r.Kind == kind && r.Site == site).ToArray();
        var applicable = forSite.Length > 0 ? forSite : rules.Where(r => r.Kind == kind && r.Site == "*").ToArray();
        return applicable.Where(r => severity >= r.MinSeverity).Select(r => new RoutedFunction(r.Function, r.OwnerRole)).Distinct().ToArray();
    }
}
