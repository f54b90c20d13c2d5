using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>Who is calling, as the X-Actor header says.</summary>
/// <remarks>
/// The gateway is the one place identities are established; until it forwards a signed X-Actor
/// (issue #8), this is what the caller says it is.
/// </remarks>
public static class ActorHeader
{
    public const string Name = "X-Actor";

    public static string? Of(HttpContext http) => http.Request.Headers[Name].FirstOrDefault() is { Length: > 0 and <= 200 } actor ? actor.Trim() : null;
}
