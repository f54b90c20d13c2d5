using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;

namespace ExecutionLayer.Foundation.Tests;

public sealed record RelayedNote(string Text, string? OnBehalfOf = null) : IMayActOnBehalf;

/// <summary>A bundle that binds its caller before the on-behalf filter has judged the body: it would act as the client.</summary>
public sealed record EagerCallerServices(Caller Caller, HttpContext Http);

/// <summary>A bundle that reads its caller when used, after the filter.</summary>
public sealed record LateCallerServices(HttpContext Http)
{
    public Caller Caller => Caller.Of(Http);
}

public sealed class ActingOnBehalfTests
{
    [Fact]
    public async Task An_endpoint_whose_bundle_binds_the_caller_before_on_behalf_is_judged_is_not_built()
    {
        await using var app = App(api => api.MapPost("/notes", (RelayedNote note, [AsParameters] EagerCallerServices services) => TypedResults.NoContent()));
        var refused = Assert.Throws<InvalidOperationException>(() => Endpoints(app));
        Assert.Contains(nameof(EagerCallerServices), refused.Message);
    }

    [Fact]
    public async Task An_endpoint_whose_bundle_reads_the_caller_when_used_is_built()
    {
        await using var app = App(api => api.MapPost("/notes", (RelayedNote note, [AsParameters] LateCallerServices services) => TypedResults.NoContent()));
        Assert.Contains(Endpoints(app), e => e.DisplayName?.Contains("/notes", StringComparison.Ordinal) == true);
    }

    private static WebApplication App(Action<RouteGroupBuilder> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        var app = builder.Build();
        map(app.MapServiceApi());
        return app;
    }

    /// <summary>Building the endpoints builds their request delegates, and with them the filters.</summary>
    private static List<Endpoint> Endpoints(WebApplication app) => [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)];
}
