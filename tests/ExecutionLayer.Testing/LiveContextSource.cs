using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.Testing;

/// <summary>
/// A real HTTP endpoint on loopback standing in for a requester's system that registered a live-context link: it answers
/// GET with whatever context the test last set, and records which approval asked (the <c>X-Approval-Id</c> header).
/// </summary>
public sealed class LiveContextSource : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _askedBy = new();
    private WebApplication _app = null!;
    private volatile string _answer = "{}";

    public string Origin { get; private set; } = "";

    public string Url => $"{Origin}/context";

    /// <summary>While set, answer every request with this status instead (the system down, or refusing).</summary>
    public int? AlwaysAnswer { get; set; }

    /// <summary>The approvals that asked, in order (one per ask).</summary>
    public IReadOnlyList<string> AskedBy => [.. _askedBy];

    /// <summary>Answer from now on with this (serialized as JSON): the context itself, or <c>{ context, cleared }</c>.</summary>
    public void Answer(object body) => _answer = JsonSerializer.Serialize(body);

    /// <param name="port">Where to listen on loopback (a service configured before it started must know); any free port when left out.</param>
    public static async Task<LiveContextSource> StartAsync(object initial, int port = 0)
    {
        var source = new LiveContextSource();
        source.Answer(initial);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        source._app = builder.Build();
        source._app.MapGet("/context", source.Handle);
        await source._app.StartAsync();
        source.Origin = source._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return source;
    }

    private IResult Handle(HttpContext http)
    {
        _askedBy.Enqueue(http.Request.Headers["X-Approval-Id"].ToString());
        return AlwaysAnswer is { } status ? Results.StatusCode(status) : Results.Text(_answer, "application/json");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
