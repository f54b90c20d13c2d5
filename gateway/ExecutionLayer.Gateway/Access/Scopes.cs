namespace ExecutionLayer.Gateway.Access;

/// <summary>
/// What a client may be granted. <see cref="Admin"/> includes every route's scope; <see cref="ActOnBehalf"/>
/// is no route's — the services judge it, when a body names the person a client acts for.
/// </summary>
public static class Scopes
{
    public const string EventsWrite = "events:write";
    public const string ExceptionsRead = "exceptions:read";
    public const string ApprovalsWrite = "approvals:write";
    public const string ApprovalsDecide = "approvals:decide";
    public const string ActionsWrite = "actions:write";
    public const string ActionsRead = "actions:read";
    public const string AuditRead = "audit:read";

    /// <summary>A planning or AI system's: it proposes; people (or the site's recommendation policy) decide.</summary>
    public const string RecommendationsWrite = "recommendations:write";
    public const string Admin = ExecutionLayer.ServiceDefaults.Identity.Caller.AdminScope;
    public const string ActOnBehalf = ExecutionLayer.ServiceDefaults.Identity.Caller.ActOnBehalfScope;

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { EventsWrite, ExceptionsRead, ApprovalsWrite, ApprovalsDecide, ActionsWrite, ActionsRead, AuditRead, RecommendationsWrite, Admin, ActOnBehalf };
}
