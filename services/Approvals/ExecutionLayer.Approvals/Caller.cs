using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Approvals;

/// <summary>Who is calling, for the record on administrative writes (policies, directory, delegations, subscriptions): X-Actor, or "api".</summary>
internal static class Caller
{
    public static string Of(HttpContext http) => ActorHeader.Of(http) ?? "api";
}
