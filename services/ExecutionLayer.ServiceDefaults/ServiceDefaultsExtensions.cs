using ExecutionLayer.ServiceDefaults.Addresses;
using ExecutionLayer.ServiceDefaults.Clock;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.ServiceDefaults;

/// <summary>The wiring every ExecutionLayer process shares: one call in each Program.cs.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks tagged with this run on /health/ready.</summary>
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        builder.Services.AddExecutionLayerTelemetry(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.AddHealthChecks();
        builder.Services.ConfigureHttpJsonOptions(o => RequestJson.Apply(o.SerializerOptions));
        builder.Services.AddExecutionLayerProblemDetails();
        builder.Services.AddSingleton(DevelopmentClock.For(builder));
        // Where the other processes listen (the "Services" section): read once, a malformed address stops the start.
        builder.Services.AddSingleton(ServiceAddresses.From(builder.Configuration));
        builder.Services.AddSingleton<GatewayTrust>();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(InputPolicySchemas.TransformAsync).AddOperationTransformer(InputPolicySchemas.TransformAsync)
            .AddDocumentTransformer(OpenApi.AnswerSchemas.TransformAsync));
        return builder;
    }

    /// <summary>Middleware order matters: correlation first so every log line and problem carries it.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<Limits.DeclaredBodyLimitMiddleware>();
        // A development clock may run days ahead of the wall: each answer says where it stands, so a client (the
        // console's countdowns) reckons "due in" from the service's now, not its own.
        if (app.Services.GetRequiredService<TimeProvider>() is ShiftableClock clock)
            app.Use((context, next) =>
            {
                context.Response.Headers[ServiceClockHeader] = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                return next(context);
            });
        return app;
    }

    /// <summary>Sent by a service whose clock is a development clock: its now, when it answered.</summary>
    public const string ServiceClockHeader = "X-Service-Clock";

    /// <summary>
    /// For the services behind the gateway: only requests it signed get through (see
    /// <see cref="GatewayIdentityMiddleware"/>). Resolving the key here makes a missing one stop the start.
    /// </summary>
    public static WebApplication RequireGatewaySignature(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<GatewayTrust>();
        app.UseMiddleware<GatewayIdentityMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowWithoutGatewaySignature();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowWithoutGatewaySignature();
        // The gateway merges every service's description into its own /openapi.json.
        app.MapOpenApi().AllowWithoutGatewaySignature();
        app.MapDevelopmentClock();
        return app;
    }

    /// <summary>
    /// The group a service maps its API in: one place for what every endpoint shares — <c>onBehalfOf</c>
    /// judged once (<see cref="ActingOnBehalfFilter"/>).
    /// </summary>
    public static RouteGroupBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("");
        api.AddEndpointFilterFactory(ActingOnBehalfFilter.Create);
        return api;
    }

    public static IHealthChecksBuilder AddReadinessCheck<T>(this IServiceCollection services, string name) where T : class, IHealthCheck =>
        services.AddHealthChecks().AddCheck<T>(name, HealthStatus.Unhealthy, [ReadyTag]);
}
