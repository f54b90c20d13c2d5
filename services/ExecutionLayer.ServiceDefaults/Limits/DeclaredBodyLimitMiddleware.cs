using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.ServiceDefaults.Limits;

/// <summary>
/// A body whose declared length is over the service's limit is refused with a 413 problem before a
/// byte of it is read. Kestrel enforces the same limit on the bytes themselves (chunked bodies too);
/// this answers early and the same way under any server, the in-memory test server included.
/// </summary>
internal sealed class DeclaredBodyLimitMiddleware(RequestDelegate next, IOptions<KestrelServerOptions> kestrel)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && kestrel.Value.Limits.MaxRequestBodySize is { } limit && length > limit)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", $"At most {limit} bytes; this body declares {length}.");
            return;
        }
        await next(context);
    }
}
