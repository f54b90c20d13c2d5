namespace ExecutionLayer.Approvals;

/// <summary>Who is calling, for the record on administrative writes (policies, directory, delegations, subscriptions).</summary>
internal static class Caller
{
    /// <remarks>
    /// The gateway is the one place identities are established; until it forwards a signed
    /// <c>X-Actor</c> this records what the caller says it is, or "api".
    /// </remarks>
    public static string Of(HttpContext http) => http.Request.Headers["X-Actor"].FirstOrDefault() is { Length: > 0 and <= 200 } actor ? actor : "api";
}
