using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>Who is calling, as the gateway signed it (see <see cref="Caller"/>); null on endpoints reached without the gateway.</summary>
public static class ActorHeader
{
    public const string Name = GatewayHeaders.Actor;

    public static string? Of(HttpContext http) => http.Features.Get<Caller>()?.Actor;
}
