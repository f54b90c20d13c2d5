using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.ServiceDefaults.Limits;

/// <summary>
/// A body whose declared length is over the service's limit is refused with a 413 problem before a
/// byte of it is read. Kestrel enforces the same limit on the bytes themselves (chunked bodies too);
/// this answers early and the same way under any server, the in-memory test server included.
/// </summary>
internal sealed class DeclaredBodyLimitMiddleware(RequestDelegate next, IOptions<KestrelServerOptions> kestrel, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && kestrel.Value.Limits.MaxRequestBodySize is { } limit && length > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge, Title = "Request body too large", Detail = $"At most {limit} bytes; this body declares {length}.",
                },
            });
            return;
        }
        await next(context);
    }
}
