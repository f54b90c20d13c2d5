using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ExecutionLayer.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the tracer and meter providers (OpenTelemetry.Extensions.Hosting is not served here). The
/// tracer provider is always built: it is the listener that makes ASP.NET Core, HttpClient and
/// MassTransit create activities, and so carries W3C trace context across hops. Export over OTLP only
/// happens when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
internal sealed class TelemetryHost(TelemetryOptions options, ILogger<TelemetryHost> logger) : IHostedService, IDisposable
{
    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(options.ServiceName);
        var export = !string.IsNullOrWhiteSpace(options.OtlpEndpoint);

        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(TelemetrySources.ActivitySources);
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(TelemetrySources.Meters);
        if (export)
        {
            tracing.AddOtlpExporter();
            metrics.AddOtlpExporter();
        }
        _tracer = tracing.Build();
        _meter = metrics.Build();
        logger.LogInformation("Telemetry started for {Service}; OTLP export {Export}", options.ServiceName, export ? options.OtlpEndpoint : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracer?.ForceFlush(2_000);
        _meter?.ForceFlush(2_000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }
}
