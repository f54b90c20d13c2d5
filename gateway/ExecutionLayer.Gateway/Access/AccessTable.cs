using ExecutionLayer.ServiceDefaults.Identity;
using static ExecutionLayer.Gateway.Access.Scopes;

namespace ExecutionLayer.Gateway.Access;

/// <param name="Methods">The methods it covers; empty for all.</param>
/// <param name="AnyOf">A caller needs one of these scopes (or admin); empty with <paramref name="Anonymous"/> for none.</param>
/// <param name="Anonymous">The request carries its own proof (a signed decision link or a bridge's signed callback).</param>
public sealed record AccessRule(string PathPrefix, string[] Methods, string[] AnyOf, bool Anonymous = false)
{
    public bool Covers(string method, PathString path) =>
        path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase) && (Methods.Length == 0 || Methods.Contains(method, StringComparer.OrdinalIgnoreCase));

    public bool Allows(Caller caller) => Anonymous || caller.Has(Admin) || AnyOf.Any(caller.Has);
}

/// <summary>
/// Which scope each route needs: the one place access is decided. The first rule that covers a
/// request applies; a request no rule covers is refused (403), so a new route is closed until it is
/// listed here.
/// </summary>
public static class AccessTable
{
    private static readonly string[] Reads = ["GET", "HEAD"];
    private static readonly string[] Writes = ["POST", "PUT", "PATCH", "DELETE"];
    private static readonly string[] Any = [];

    public static readonly IReadOnlyList<AccessRule> Rules =
    [
        new("/api/decisions", Any, [], Anonymous: true),
        new("/api/events", ["POST"], [EventsWrite]),
        new("/api/exceptions", Reads, [ExceptionsRead]),
        new("/api/exceptions", Writes, [ApprovalsWrite]),
        new("/api/graph", Reads, [ExceptionsRead]),
        // Every client names sites, so any of them may read the registry; adding a plant is an admin's.
        new("/api/sites", Reads, [EventsWrite, ExceptionsRead, ApprovalsWrite, ApprovalsDecide, ActionsRead, ActionsWrite, AuditRead, RecommendationsWrite]),
        new("/api/sites", Writes, [Admin]),
        // A change to a governed field is asked like an approval; which fields are governed is any client's to read, an admin's to set.
        new("/api/changes", Reads, [ExceptionsRead, ApprovalsWrite, ApprovalsDecide]),
        new("/api/changes", Writes, [ApprovalsWrite]),
        new("/api/governed-fields", Reads, [EventsWrite, ExceptionsRead, ApprovalsWrite, ApprovalsDecide]),
        new("/api/governed-fields", Writes, [Admin]),
        // A planning or AI system proposes and follows its recommendations; the people who act on them read them too. How much a site
        // lets through without a person is an admin's to set.
        new("/api/recommendations", Reads, [RecommendationsWrite, ExceptionsRead, ActionsRead, ApprovalsDecide]),
        new("/api/recommendations", Writes, [RecommendationsWrite]),
        new("/api/recommendation-policies", Reads, [RecommendationsWrite, ExceptionsRead, ApprovalsWrite, ApprovalsDecide]),
        new("/api/recommendation-policies", Writes, [Admin]),
        new("/api/approvals", Reads, [ApprovalsWrite, ApprovalsDecide]),
        new("/api/approvals", Writes, [ApprovalsWrite]),
        new("/api/policies", Reads, [ApprovalsWrite, ApprovalsDecide]),
        new("/api/policies", Writes, [Admin]),
        new("/api/directory", Reads, [ApprovalsWrite, ApprovalsDecide]),
        new("/api/directory", Writes, [Admin]),
        new("/api/delegations", Any, [ApprovalsDecide]),
        new("/api/webhooks", Any, [Admin]),
        new("/api/actions/sites", Writes, [Admin]),
        new("/api/actions", Reads, [ActionsRead, ActionsWrite]),
        new("/api/actions", Writes, [ActionsWrite]),
        new("/api/kpis", Reads, [ActionsRead, ActionsWrite]),
        new("/api/kpis", Writes, [ActionsWrite]),
        new("/api/objectives", Reads, [ActionsRead, ActionsWrite]),
        new("/api/objectives", Writes, [ActionsWrite]),
        new("/api/scorecard", Reads, [ActionsRead, ActionsWrite]),
        new("/api/reviews", Reads, [ActionsRead, ActionsWrite]),
        new("/api/reviews", Writes, [ActionsWrite]),
        // Flow is measured from the intake (the exceptions service): a reader of either side may read it.
        new("/api/metrics/flow", Reads, [ActionsRead, ExceptionsRead]),
        new("/api/metrics", Reads, [ActionsRead]),
        new("/api/audit", Reads, [AuditRead]),
        // Development runs only (appsettings.Development.json routes it; the services map it only with a shiftable clock).
        new("/api/dev", Any, [Admin]),
    ];

    public static AccessRule? For(string method, PathString path) => Rules.FirstOrDefault(r => r.Covers(method, path));
}
