using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.ServiceDefaults.Problems;

/// <summary>
/// An RFC 7807 answer written by middleware, before or instead of any endpoint (401, 403, 413, 429,
/// 502, 504): through the problem-details service, so it carries the correlation and trace ids too.
/// </summary>
public static class ProblemResponse
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
