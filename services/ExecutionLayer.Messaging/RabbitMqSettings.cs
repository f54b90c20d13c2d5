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

    /// <summary>After this many deliveries a message the consumer never acknowledged is dead-lettered by the broker.</summary>
    public int DeliveryLimit { get; init; } = 5;

    public static RabbitMqSettings From(IConfiguration configuration) =>
        configuration.GetSection("RabbitMq").Get<RabbitMqSettings>() ?? new RabbitMqSettings();
}
