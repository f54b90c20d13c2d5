using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;

namespace ExecutionLayer.Gateway.Forwarding;

/// <summary>
/// YARP answers a failed forward with a bare status; this turns it into a problem response saying
/// what went wrong: 504 when the service was too slow, 502 when it could not be reached or broke off,
/// 503 when no destination is healthy, 413 when the client's body outgrew the limit on the way.
/// </summary>
internal static class ProxyErrorProblems
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.Features.Get<IForwarderErrorFeature>() is not { } failure || context.Response.HasStarted) return;
        // The route's time limit cancels the request the way a client leaving would; YARP cannot tell them apart.
        var timedOut = context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;
        var (status, title, detail) = failure.Error switch
        {
            _ when timedOut => (504, "Service timed out", "The service did not answer within this route's time limit."),
            // The client went away: nobody is left to read an answer.
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => (0, "", ""),
            ForwarderError.RequestTimedOut => (504, "Service timed out", "The service did not answer within this route's time limit."),
            ForwarderError.NoAvailableDestinations => (503, "Service unavailable", "No instance of the service is available."),
            ForwarderError.RequestBodyClient when failure.Exception is BadHttpRequestException { StatusCode: 413 } =>
                (413, "Request body too large", "The body is over this route's limit."),
            ForwarderError.RequestBodyClient => (400, "Bad request body", "The request body could not be read."),
            _ => (502, "Service unreachable", "The service could not be reached or broke off its answer."),
        };
        if (status == 0) return;
        await ProblemResponse.WriteAsync(context, status, title, detail);
    }
}
