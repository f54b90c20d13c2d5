using System.Globalization;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace ExecutionLayer.Gateway.Limits;

/// <summary>
/// A route may set its own body limit (route metadata <c>MaxRequestBodyBytes</c>: intake batches are
/// larger than a decision). A declared length over it is a 413 problem before anything is forwarded;
/// a chunked body is cut off at the limit by the server as it is read.
/// </summary>
internal sealed class RouteBodyLimitMiddleware(RequestDelegate next)
{
    public const string MetadataKey = "MaxRequestBodyBytes";

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();
        if (route?.Config.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
        {
            if (context.Request.ContentLength > limit)
            {
                await ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"At most {limit} bytes on this route; this body declares {context.Request.ContentLength}.");
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}
