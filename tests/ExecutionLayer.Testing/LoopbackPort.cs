using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ExecutionLayer.Testing;

/// <summary>
/// Loopback ports for the servers tests start on real sockets — chosen below the kernel's ephemeral
/// range. A port the kernel hands out (listening on port 0) is an ephemeral one, and a server the
/// fault tests stop and restart on it can find it taken meanwhile: the clients retrying against it
/// while it is down are given ephemeral local ports too, and on loopback one of them can even connect
/// to itself on exactly that port. A fresh-clone CI run lost a PostgreSQL restart that way.
/// </summary>
public static class LoopbackPort
{
    private const int Lowest = 10_000;

    /// <summary>A loopback port free right now, outside the ephemeral range.</summary>
    public static int Free() => FreeRun(1);

    /// <summary>The first of <paramref name="count"/> consecutive loopback ports free right now, outside the ephemeral range.</summary>
    public static int FreeRun(int count)
    {
        var highest = EphemeralLow() - count;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = Random.Shared.Next(Lowest, highest);
            if (Enumerable.Range(candidate, count).All(IsFree)) return candidate;
        }
        throw new InvalidOperationException($"No {count} free consecutive loopback ports between {Lowest} and {highest}.");
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var low = File.Exists(range) ? int.Parse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) : 32_768;
        // A machine whose ephemeral range starts this low leaves no room below it: take the risk there rather than fail.
        return Math.Max(low, Lowest + 1_000);
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
