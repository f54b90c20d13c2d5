using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BrokerPublishException = RabbitMQ.Client.Exceptions.PublishException;

namespace ExecutionLayer.Messaging;

/// <summary>
/// Which exchanges the broker keeps refusing (a negative publisher confirm, not a returned message), and when a refusal
/// has lasted long enough that the channel, not the queue, is to blame.
/// </summary>
/// <remarks>
/// RabbitMQ 3.10 (Debian's, which this project runs) has a quorum-queue client bug, fixed in 3.12.10 (rabbitmq-server
/// 27886dd): a channel whose first publish to a quorum queue comes while the queue's record still names its leader on a
/// node that has just gone asks that node, is refused, and stays so — every later publish from that channel to that queue
/// is refused until the node returns. The cluster fault test met it: a service whose connection moved off a killed node
/// published again at once, and its outbox stood still for minutes while every queue had a leader. A refusal that lasts
/// past <see cref="Persistence"/> with nothing taken on that exchange since is that state; a leader election (the
/// legitimate refusal) is over within a second or two.
/// </remarks>
public sealed class PublishRefusals(TimeProvider clock)
{
    /// <summary>A refusal this old, with nothing taken on its exchange since, is not an election.</summary>
    public static readonly TimeSpan Persistence = TimeSpan.FromSeconds(5);

    /// <summary>Between two renewals: a broker refusing for another reason (a queue without its majority) is not churned.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(30);

    /// <summary>How many renewals the refusals have called for since the service started.</summary>
    public int Renewals { get; private set; }

    private readonly Dictionary<Uri, DateTimeOffset> _refusedSince = [];
    private DateTimeOffset? _lastRenewal;
    private readonly Lock _lock = new();

    /// <summary>The broker refused a message for this exchange; true when the publishing channel is to be renewed now.</summary>
    public bool Refused(Uri exchange)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_refusedSince.TryGetValue(exchange, out var since))
            {
                _refusedSince[exchange] = now;
                _watched = _refusedSince.Count;
                return false;
            }
            if (now - since < Persistence || now - _lastRenewal < Spacing) return false;
            _lastRenewal = now;
            Renewals++;
            _refusedSince.Clear(); // the renewal answers for every exchange: each is watched afresh on the new channel
            _watched = 0;
            return true;
        }
    }

    /// <summary>The broker confirmed a message for this exchange: whatever refused it before has passed.</summary>
    /// <remarks>Called for every confirmed publish: with no refusal being watched (nearly always) it takes no lock.</remarks>
    public void Accepted(Uri exchange)
    {
        if (Volatile.Read(ref _watched) == 0) return;
        lock (_lock)
        {
            _refusedSince.Remove(exchange);
            _watched = _refusedSince.Count;
        }
    }

    private int _watched;
}

/// <summary>
/// Renews the bus (stopped and started again: a new connection, new channels) when <see cref="PublishRefusals"/> says a
/// channel is stuck. MassTransit offers no way to renew one channel; a renewal is what a lost connection does anyway, and
/// the consumers and the outbox both carry on from it (the outbox publishes its page again, the inboxes absorb repeats).
/// </summary>
public sealed class RefusedPublishObserver(PublishRefusals refusals, IServiceProvider services, ILogger<RefusedPublishObserver> logger)
    : IPublishObserver, ISendObserver
{
    // MassTransit tells a publish's observers of every attempt it makes (it retries a refused one itself), a send's likewise.
    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Accepted(context);

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Faulted(context, exception);

    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context) where T : class => Accepted(context);

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Faulted(context, exception);

    private Task Accepted(SendContext context)
    {
        if (context.DestinationAddress is { } exchange) refusals.Accepted(exchange);
        return Task.CompletedTask;
    }

    private Task Faulted(SendContext context, Exception exception)
    {
        if (context.DestinationAddress is { } exchange && IsRefusal(exception) && refusals.Refused(exchange))
        {
            logger.LogWarning("The broker has refused every message for {Exchange} for over {Persistence}; renewing the bus's connection and channels",
                exchange, PublishRefusals.Persistence);
            // Not awaited: the bus's stop waits for sends in flight, this one among them.
            _ = Task.Run(RenewAsync);
        }
        return Task.CompletedTask;
    }

    /// <summary>How many renewals have completed (the bus started again).</summary>
    public int Renewed => _renewed;

    private int _renewed;

    private int _renewing;

    private async Task RenewAsync()
    {
        // One renewal at a time (a stop that waits on slow consumers can outlast the spacing), and none while the service
        // shuts down: a bus stopped for shutdown must not be started again by a refusal that came in meanwhile.
        if (Interlocked.Exchange(ref _renewing, 1) == 1) return;
        try
        {
            var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
            if (stopping.IsCancellationRequested) return;
            var bus = services.GetRequiredService<IBusControl>();
            await bus.StopAsync(stopping);
            if (stopping.IsCancellationRequested) return;
            await bus.StartAsync(stopping);
            Interlocked.Increment(ref _renewed);
            logger.LogWarning("The bus was renewed after the broker's refusals");
        }
        catch (Exception e)
        {
            // Left to the next refusal (after the spacing): the outbox keeps its page and tries again meanwhile.
            logger.LogError(e, "Renewing the bus after the broker's refusals failed");
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>A negative confirm: the broker took the message and did not queue it (a return is a routing answer, not this).</summary>
    public static bool IsRefusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is BrokerPublishException { IsReturn: false }) return true;
        return false;
    }
}
