using System.Collections.Concurrent;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace ExecutionLayer.Store.Hosting;

/// <summary>A page of events a subscription of this instance failed on, and why.</summary>
public sealed record SubscriptionFailure(string Subscriber, long FirstSequence, long LastSequence, string Error, DateTimeOffset At);

/// <summary>
/// The last failure of each of this instance's subscriptions (the outbox, webhook notices), until a page
/// goes through again: /health/ready names the subscriber, the events it is stuck on and the error, so a
/// poison event or a mapper's bug is seen at once rather than found as lag.
/// </summary>
public sealed class SubscriptionFailures
{
    private readonly ConcurrentDictionary<string, SubscriptionFailure> _failures = new();

    public IReadOnlyCollection<SubscriptionFailure> Current => [.. _failures.Values.OrderBy(f => f.Subscriber, StringComparer.Ordinal)];

    public void Failed(EventRange page, Exception error) =>
        _failures[page.ShardName.Identity] = new(page.ShardName.Identity, page.SequenceFloor + 1, page.SequenceCeiling, $"{error.GetType().Name}: {error.Message}", DateTimeOffset.UtcNow);

    public void Passed(EventRange page) => _failures.TryRemove(page.ShardName.Identity, out _);
}

/// <summary>A subscription whose failures this instance reports in <see cref="SubscriptionFailures"/>; Marten's daemon still decides what to do about them.</summary>
public abstract class ReportedSubscription(SubscriptionFailures failures) : SubscriptionBase
{
    public sealed override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        try
        {
            var listener = await ProcessPageAsync(page, controller, operations, cancellationToken);
            failures.Passed(page);
            return listener;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            failures.Failed(page, e);
            throw;
        }
    }

    protected abstract Task<IChangeListener> ProcessPageAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken);
}
