using ExecutionLayer.ServiceDefaults.Input;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.Gateway.Limits;

/// <summary>
/// A request whose path held a NUL (marked by <see cref="RequestTargetGuard"/>) is refused here with a
/// problem naming the rule, the same answer a service gives for a NUL anywhere else.
/// </summary>
internal sealed class RefusedTargetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey(RequestTargetGuard.MarkerHeader))
        {
            await next(context);
            return;
        }
        var refusal = new InputRefusal("path", new InputViolation(InputPolicy.Rules.NulCharacter,
            "A path segment contains a NUL character (%00), which no id or name may hold."));
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = refusal.ToProblem(),
        });
    }
}
