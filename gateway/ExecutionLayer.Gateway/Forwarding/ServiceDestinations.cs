using ExecutionLayer.ServiceDefaults.Addresses;
using Yarp.ReverseProxy.Configuration;

namespace ExecutionLayer.Gateway.Forwarding;

/// <summary>
/// A cluster's destinations come from the system's one list of addresses (<see cref="ServiceAddresses"/>):
/// <c>Services__exceptions</c> is where the "exceptions" cluster forwards, every address in it an instance.
/// Destinations written into <c>ReverseProxy:Clusters</c> are refused, not merged — a second place to
/// say where a service is would let a stale address keep taking traffic beside the right one.
/// </summary>
internal sealed class ServiceDestinations(ServiceAddresses addresses) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.Destinations is { Count: > 0 })
            throw new InvalidOperationException(
                $"ReverseProxy:Clusters:{cluster.ClusterId} names destinations; where a service listens is set once, in {ServiceAddresses.Setting(cluster.ClusterId)}.");
        var destinations = addresses.All(cluster.ClusterId)
            .Select((uri, i) => (Name: $"{cluster.ClusterId}-{i + 1}", Config: new DestinationConfig { Address = uri.ToString() }))
            .ToDictionary(d => d.Name, d => d.Config, StringComparer.OrdinalIgnoreCase);
        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);

    /// <summary>Every cluster the routes use has its addresses, or the start stops naming the settings to give.</summary>
    public static void RequireAll(IConfiguration configuration, ServiceAddresses addresses)
    {
        var missing = configuration.GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key).Where(id => !addresses.Has(id)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"Where the gateway forwards is not configured: set {string.Join(", ", missing.Select(ServiceAddresses.Setting))} (infra/env.sh derives them from EL_BASE_PORT).");
    }
}
