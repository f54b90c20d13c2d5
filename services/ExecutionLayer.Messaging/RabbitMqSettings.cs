using MassTransit;
using Microsoft.Extensions.Configuration;

namespace ExecutionLayer.Messaging;

/// <summary>The "RabbitMq" configuration section (env: RabbitMq__Host, RabbitMq__Port, …; infra/env.sh sets them).</summary>
public sealed record RabbitMqSettings
{
    public string Host { get; init; } = "127.0.0.1";
    public ushort Port { get; init; } = 55672;
    public string VirtualHost { get; init; } = "executionlayer";
    public string Username { get; init; } = "executionlayer";
    public string Password { get; init; } = "executionlayer-dev";

    /// <summary>
    /// A cluster's nodes, "host:port" each (RabbitMq__Nodes__0, __1, …). When given, the service connects to whichever of
    /// them answers and moves to another when its node goes; <see cref="Host"/> and <see cref="Port"/> then only name the bus.
    /// </summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>After this many deliveries a message the consumer never acknowledged is dead-lettered by the broker.</summary>
    public int DeliveryLimit { get; init; } = 5;

    /// <summary>Who connects, and to which nodes: what every bus of ours (the services', the tests' probes) tells its host.</summary>
    public void ConfigureHost(IRabbitMqHostConfigurator host)
    {
        host.Username(Username);
        host.Password(Password);
        if (Nodes.Count > 0) host.UseCluster(cluster => { foreach (var node in Nodes) cluster.Node(node); });
    }

    public static RabbitMqSettings From(IConfiguration configuration) =>
        configuration.GetSection("RabbitMq").Get<RabbitMqSettings>() ?? new RabbitMqSettings();
}
