using System.Collections.Concurrent;
using ExecutionLayer.Messaging;
using MassTransit;

namespace ExecutionLayer.Testing;

/// <summary>
/// Another service on the bus, as far as the one under test can tell: it publishes what that service
/// would (through real RabbitMQ) and records what it receives on a queue of its own.
/// </summary>
public sealed class BusProbe(RabbitMqSettings settings) : IAsyncDisposable
{
    private readonly List<Action<IRabbitMqReceiveEndpointConfigurator>> _listeners = [];
    private readonly ConcurrentQueue<object> _received = new();
    private readonly ConcurrentQueue<(object Message, Guid? MessageId)> _deliveries = new();
    private IBusControl? _bus;

    public BusProbe Listen<T>() where T : class
    {
        _listeners.Add(endpoint => endpoint.Handler<T>(context =>
        {
            _received.Enqueue(context.Message);
            _deliveries.Enqueue((context.Message, context.MessageId));
            return Task.CompletedTask;
        }));
        return this;
    }

    /// <summary>Takes and acknowledges messages of this type without keeping them (a queue must exist for mandatory publishes).</summary>
    public BusProbe Discard<T>() where T : class
    {
        _listeners.Add(endpoint => endpoint.Handler<T>(_ => Task.CompletedTask));
        return this;
    }

    public async Task<BusProbe> StartAsync()
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(settings.Host, settings.Port, settings.VirtualHost, settings.ConfigureHost);
            rabbit.ReceiveEndpoint($"probe-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                foreach (var listen in _listeners) listen(endpoint);
            });
        });
        await _bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return this;
    }

    /// <summary>Publishes as the other service would; the same <paramref name="messageId"/> twice is a redelivery.</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        (_bus ?? throw new InvalidOperationException("Start the probe first.")).Publish(message, context =>
        {
            if (messageId is { } id) context.MessageId = id;
        });

    public IReadOnlyList<T> Received<T>() => [.. _received.OfType<T>()];

    /// <summary>Every delivery of this type with the message id it came under, repeats included, in arrival order.</summary>
    public IReadOnlyList<(T Message, Guid? MessageId)> Deliveries<T>() =>
        [.. _deliveries.Where(d => d.Message is T).Select(d => ((T)d.Message, d.MessageId))];

    public async Task<T> WaitForAsync<T>(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        T? found = default;
        await Eventually.TrueAsync(() => (found = _received.OfType<T>().FirstOrDefault(match)) is not null, what, timeout);
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null) await _bus.StopAsync();
    }
}
