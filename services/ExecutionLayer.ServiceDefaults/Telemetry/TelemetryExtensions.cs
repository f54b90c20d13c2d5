using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ExecutionLayer.ServiceDefaults.Telemetry;

/// <summary>
/// Traces and metrics of every process, from the instrumentation libraries themselves: ASP.NET Core,
/// HttpClient, Npgsql, MassTransit's and YARP's activity sources, the runtime, and our own
/// "ExecutionLayer.*". Tracing is always on — it is what carries W3C trace context from the gateway
/// through every service and over the bus; export over OTLP happens only when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
internal static class TelemetryExtensions
{
    public static IServiceCollection AddExecutionLayerTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(TelemetrySources.ActivitySources))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySources.Meters));
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting])) telemetry.UseOtlpExporter();
        return services;
    }

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
}
