using System.Text.RegularExpressions;
using Yarp.ReverseProxy.Configuration;

namespace ExecutionLayer.Gateway.OpenApi;

/// <summary>
/// Where the gateway serves a service's path, read from the same routes that forward to it: a route that
/// strips <c>/api</c> serves <c>/api</c> + the path when its pattern matches; a route that sets one fixed
/// path (the development clocks) serves that path at its own address. A path no route reaches is not
/// served, so it is not described.
/// </summary>
internal sealed partial class GatewayPaths(IEnumerable<RouteConfig> routes)
{
    private readonly List<RouteConfig> _routes = [.. routes];

    public string? Of(string clusterId, string servicePath)
    {
        foreach (var route in _routes.Where(r => r.ClusterId == clusterId && r.Match.Path is not null))
            foreach (var transform in route.Transforms ?? [])
            {
                if (transform.TryGetValue("PathSet", out var set) && set == servicePath && !Pattern().IsMatch(route.Match.Path!)) return route.Match.Path;
                if (transform.TryGetValue("PathRemovePrefix", out var prefix) && Matches(route.Match.Path!, prefix + servicePath)) return prefix + servicePath;
            }
        return null;
    }

    /// <summary>A route pattern against a described path: literal segments equal, a parameter takes one segment, a catch-all the rest.</summary>
    private static bool Matches(string pattern, string path)
    {
        var p = pattern.Trim('/').Split('/');
        var s = path.Trim('/').Split('/');
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i].StartsWith("{**", StringComparison.Ordinal) || p[i].StartsWith("{*", StringComparison.Ordinal)) return s.Length >= i;
            if (i >= s.Length) return false;
            if (!Pattern().IsMatch(p[i]) && !string.Equals(p[i], s[i], StringComparison.OrdinalIgnoreCase)) return false;
        }
        return p.Length == s.Length;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Pattern();
}
