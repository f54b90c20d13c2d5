using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.ServiceDefaults.Telemetry;

internal static class TelemetryExtensions
{
    public static IServiceCollection AddExecutionLayerTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        services.AddSingleton(new TelemetryOptions(serviceName, configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]));
        services.AddHostedService<TelemetryHost>();
        return services;
    }
}

internal sealed record TelemetryOptions(string ServiceName, string? OtlpEndpoint);
