using System.Collections.Concurrent;

namespace ExecutionLayer.EndToEnd.Tests.Contract;

/// <summary>One answer the gateway gave during the run, kept whole: what was asked, and what came back.</summary>
public sealed record SeenAnswer(string Method, string Path, int Status, string? MediaType, string Body);

/// <summary>
/// Every answer that passes through the end-to-end clients (the demo's raw calls and its generated client
/// alike, since both share the HttpClient this handler sits in), for the contract test to hold to the description.
/// </summary>
public sealed class SeenAnswers : DelegatingHandler
{
    private readonly ConcurrentQueue<SeenAnswer> _seen = new();

    public SeenAnswers() : base(new HttpClientHandler())
    {
    }

    public IReadOnlyCollection<SeenAnswer> All => _seen;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered, so the caller still reads the body after it was copied here.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        _seen.Enqueue(new SeenAnswer(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
        return response;
    }
}
