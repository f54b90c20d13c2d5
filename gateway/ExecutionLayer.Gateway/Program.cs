using ExecutionLayer.Gateway;
using ExecutionLayer.Gateway.Access;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.Gateway.ExecutionConsole;
using ExecutionLayer.Gateway.Forwarding;
using ExecutionLayer.Gateway.Limits;
using ExecutionLayer.Gateway.OpenApi;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Addresses;
using ExecutionLayer.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Transforms;

if (args is ["new-api-key", .. var rest]) return NewApiKeyCommand.Run(rest);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseRequestTargetGuard());
builder.Services.AddSingleton<ApiKeys>();
builder.Services.AddGatewayAuthentication(builder.Configuration);
builder.Services.AddClientRateLimits(builder.Configuration);
builder.Services.AddRequestTimeouts();
builder.Services.AddHttpClient(MergedOpenApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
builder.Services.AddSingleton<MergedOpenApi>();
var connectTimeout = builder.Configuration.GetValue("Gateway:ConnectTimeout", TimeSpan.FromSeconds(2));
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddConfigFilter<ServiceDestinations>()
    .AddTransforms(transforms => transforms.AddRequestTransform(IdentityForwarding.ApplyAsync))
    // A stopped service refuses at once; one that is unreachable must not hold the client longer than this.
    .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = connectTimeout);

var app = builder.Build();
// Bad keys, a missing signing secret or a service without an address stop the start, not the first request.
_ = app.Services.GetRequiredService<GatewayTrust>();
_ = app.Services.GetRequiredService<ApiKeys>();
ServiceDestinations.RequireAll(app.Configuration, app.Services.GetRequiredService<ServiceAddresses>());

app.UseServiceDefaults();
app.UseConsole();
app.UseMiddleware<RefusedTargetMiddleware>();
app.UseAuthentication();
app.UseMiddleware<AccessMiddleware>();
app.UseRateLimiter();
app.UseRequestTimeouts();
app.UseMiddleware<RouteBodyLimitMiddleware>();
app.MapDefaultEndpoints();
app.MapGet("/openapi.json", async (MergedOpenApi openApi, CancellationToken ct) => Results.Json(await openApi.GetAsync(ct)));
app.MapGet("/docs", async (MergedOpenApi openApi, CancellationToken ct) => Results.Content(MergedOpenApi.Page(await openApi.GetAsync(ct)), "text/html; charset=utf-8"));
app.MapReverseProxy(proxy =>
{
    proxy.Use(ProxyErrorProblems.InvokeAsync);
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});
app.Run();
return 0;

/// <summary>The gateway's assembly marker for tests (WebApplicationFactory needs a public type).</summary>
public sealed class GatewayMarker;
