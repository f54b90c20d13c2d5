namespace ExecutionLayer.ServiceDefaults.Telemetry;

/// <summary>
/// The instrumentation packages are not served here, so we listen to the sources the libraries emit
/// on their own. Our own sources and meters are all named "ExecutionLayer.*".
/// </summary>
public static class TelemetrySources
{
    public const string OwnPrefix = "ExecutionLayer.*";

    public static readonly string[] ActivitySources =
        ["Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "Npgsql", "Yarp.ReverseProxy", OwnPrefix];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http", "MassTransit", "Npgsql", OwnPrefix,
    ];
}
