using System.Net;

namespace ExecutionLayer.Demo.Api;

/// <summary>The gateway or a service answered other than expected; carries the problem details it sent.</summary>
public sealed class ApiException(HttpMethod method, string path, HttpStatusCode status, string body)
    : Exception($"{method} {path} answered {(int)status} {status}: {body}")
{
    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;
}
