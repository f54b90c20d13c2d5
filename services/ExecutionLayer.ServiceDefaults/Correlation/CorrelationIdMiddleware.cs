using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.ServiceDefaults.Correlation;

/// <summary>
/// Accepts a caller's X-Correlation-Id (ERP systems have their own) or starts one from the W3C trace
/// id, echoes it, and puts it in the log scope and on the activity so it follows the request.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.TryAccept(context.Request.Headers[CorrelationId.HeaderName])
            ?? Activity.Current?.TraceId.ToHexString()
            ?? Guid.NewGuid().ToString("N");

        context.Items[CorrelationId.ItemKey] = correlationId;
        Activity.Current?.SetTag("correlation.id", correlationId);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationId.HeaderName] = correlationId;
            return Task.CompletedTask;
        });

        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId }))
            await next(context);
    }
}
