using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.Gateway;

/// <summary>Every answer the gateway gives on its own (401, 403, 413, 429, 502, 504) is an RFC 7807 problem.</summary>
internal static class Problems
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
