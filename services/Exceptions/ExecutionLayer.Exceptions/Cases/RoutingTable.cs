namespace ExecutionLayer.Exceptions.Cases;

/// <summary>One row of the routing table: at this site (or "*"), this kind of case at or above this severity goes to this function.</summary>
public sealed record RoutingRule(string Site, CaseKind Kind, Severity MinSeverity, string Function, string OwnerRole);

/// <summary>At this site (or "*"), this kind of case at or above this severity needs this decision before the response can go ahead.</summary>
public sealed record ApprovalRule(string Site, CaseKind Kind, Severity MinSeverity, string SubjectType, string Reason);

/// <summary>Who acts on which exception, and which decisions a response needs. Site rows replace the corporate ("*") rows for that kind.</summary>
public sealed class RoutingTable(IReadOnlyList<RoutingRule> rules, IReadOnlyList<ApprovalRule> approvals)
{
    public static IReadOnlyList<RoutingRule> DefaultRules { get; } = [
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
        new("*", CaseKind.PromiseAtRisk, Severity.Low, "production-planning", "production-planner"),
        new("*", CaseKind.PromiseAtRisk, Severity.Medium, "customer-service", "customer-service-rep"),
    ];

    public static IReadOnlyList<ApprovalRule> DefaultApprovals { get; } = [
        new("*", CaseKind.QualityHold, Severity.High, "deviation", "Use-as-is deviation for held material a customer is waiting on"),
        new("*", CaseKind.Shortage, Severity.High, "expedite", "Expedited freight to recover late supply a customer is waiting on"),
    ];

    public static RoutingTable Default { get; } = new(DefaultRules, DefaultApprovals);

    public static RoutingTable From(ExceptionsOptions options) =>
        new([.. DefaultRules, .. options.Routing], [.. DefaultApprovals, .. options.ApprovalRouting]);

    public IReadOnlyList<RoutedFunction> FunctionsFor(string site, CaseKind kind, Severity severity) =>
        ForSite(rules, r => r.Site, r => r.Kind, site, kind)
            .Where(r => severity >= r.MinSeverity).Select(r => new RoutedFunction(r.Function, r.OwnerRole)).Distinct().ToArray();

    /// <summary>The role that owns a function's work at a site (the site's rows first, then the corporate ones); the function's own name when no row names it.</summary>
    public string OwnerRoleOf(string site, string function) =>
        (rules.FirstOrDefault(r => r.Site == site && r.Function == function) ?? rules.FirstOrDefault(r => r.Site == "*" && r.Function == function))?.OwnerRole ?? function;

    public IReadOnlyList<ApprovalRule> ApprovalsFor(string site, CaseKind kind, Severity severity) =>
        ForSite(approvals, r => r.Site, r => r.Kind, site, kind).Where(r => severity >= r.MinSeverity).ToArray();

    private static IEnumerable<T> ForSite<T>(IEnumerable<T> rows, Func<T, string> siteOf, Func<T, CaseKind> kindOf, string site, CaseKind kind)
    {
        var forSite = rows.Where(r => kindOf(r) == kind && siteOf(r) == site).ToArray();
        return forSite.Length > 0 ? forSite : rows.Where(r => kindOf(r) == kind && siteOf(r) == "*");
    }
}
