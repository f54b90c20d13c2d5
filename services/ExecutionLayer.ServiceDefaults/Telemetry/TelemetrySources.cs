namespace ExecutionLayer.ServiceDefaults.Telemetry;

/// <summary>The sources and meters no instrumentation package covers: the libraries' own, and ours ("ExecutionLayer.*").</summary>
public static class TelemetrySources
{
    public const string OwnPrefix = "ExecutionLayer.*";

    public static readonly string[] ActivitySources = ["MassTransit", "Yarp.ReverseProxy", OwnPrefix];

    public static readonly string[] Meters = ["MassTransit", "Npgsql", "Yarp.ReverseProxy", OwnPrefix];
}
