using System.Diagnostics;
using ExecutionLayer.ServiceDefaults.Correlation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.ServiceDefaults.Problems;

internal static class ProblemDetailsSetup
{
    public static IServiceCollection AddExecutionLayerProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["correlationId"] = ctx.HttpContext.GetCorrelationId();
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestProblemHandler>();
        // Without this, minimal APIs answer a binding or JSON failure with an empty 400; throwing lets
        // the handler above explain which parameter or JSON path was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
