using System.Diagnostics;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.ServiceDefaults.Telemetry;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.Messaging.Outbox;

/// <summary>
/// Turns a stored Marten event into the integration events (from contracts/) other services react to.
/// Domain events stay private; only what this returns is a public promise. Most events map to none.
/// </summary>
public interface IEventMapper
{
    IEnumerable<object> Map(IEvent stored);
}

/// <summary>How far a source's audit feed is numbered, committed in the transaction that moves the outbox's progress.</summary>
public sealed record OutboxSequence(string Id, long Sequence);

/// <summary>
/// Marten's events table is the outbox: this subscription, run by the async daemon (on one node at a
/// time under HotCold), publishes every stored event to the audit feed (a page of them in one
/// <see cref="DomainEventsRecorded"/>) and the mapped integration events to their consumers, a whole page in flight at once. Marten commits the page's progress only
/// when this returns, so it returns only once the broker has confirmed every message; a crash in
/// between hands the page over again, re-published under the same message ids and audit numbers, which
/// consumers' inboxes absorb.
/// </summary>
/// <remarks>
/// The audit feed's sequence is dense per source (1, 2, 3…) so that a missing number proves a loss.
/// Marten's sequence is not — a rolled-back append burns its numbers — so the outbox keeps its own,
/// in an <see cref="OutboxSequence"/> document written with the progress.
/// </remarks>
public sealed class EventOutbox : ReportedSubscription
{
    public const string SourceHeader = "el-source";
    public const string SequenceHeader = "el-sequence";
    public const string CorrelationHeader = "el-correlation-id";
    public const string TraceParentHeader = "el-traceparent";

    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one attempt at a page may wait for the broker's confirms. A publish in flight when the
    /// broker went away can wait for a confirm that never comes, neither completing nor failing (seen in
    /// the RabbitMQ-restart fault test: the page, and so the outbox, stood still for minutes while the
    /// broker was back). Past this the attempt counts as failed and the page is published again; the
    /// message ids are the same, so what did arrive the first time is absorbed by the consumers' inboxes.
    /// </summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    private readonly IBus _bus;
    private readonly IEventMapper[] _mappers;
    private readonly EventTypes _types;
    private readonly EventOutboxOptions _options;
    private readonly ILogger<EventOutbox> _logger;

    public EventOutbox(IBus bus, IEnumerable<IEventMapper> mappers, EventTypes types, EventOutboxOptions options, SubscriptionFailures failures, ILogger<EventOutbox> logger)
        : base(failures)
    {
        (_bus, _mappers, _types, _options, _logger) = (bus, mappers.ToArray(), types, options, logger);
        Name = NameFor(options.Service);
    }

    public static string NameFor(string service) => $"outbox-{service}";

    /// <summary>
    /// A page of the audit feed is named by its source and the numbers it carries, so the same page published again has the same
    /// id; its entries are each named by <see cref="AuditEntryId"/>, which is what the ledger keeps and drops repeats by.
    /// </summary>
    public static Guid AuditPageId(string service, long first, long last) => DeterministicId.From($"audit-page|{service}|{first}|{last}");

    /// <summary>The id of an event's entry in the audit feed — the id its single message had before the feed came in pages.</summary>
    public static Guid AuditEntryId(string service, Guid eventId) => DeterministicId.For(service, eventId, 0);

    protected override async Task<IChangeListener> ProcessPageAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        var numbered = await operations.LoadAsync<OutboxSequence>(_options.Service, ct) ?? new OutboxSequence(_options.Service, 0);
        var serializer = operations.DocumentStore.Options.Serializer();
        var sequence = numbered.Sequence;
        var entries = new List<DomainEventRecorded>(page.Events.Count);
        var messages = new List<Outgoing>(page.Events.Count + 1);
        foreach (var e in page.Events)
        {
            sequence++;
            var provenance = Provenance.Of(e);
            // The payload is the event as read, upcast to its type's current version: name and version are that type's.
            var type = _types.NameOf(e.Data.GetType());
            entries.Add(new DomainEventRecorded(_options.Service, sequence, e.Id, e.Sequence, e.StreamKey!,
                _types.StreamTypeOf(e.StreamKey!), e.Version, type.Name, type.SchemaVersion, serializer.ToJson(e.Data), provenance.CorrelationId, provenance.CausationId, provenance.Actor, provenance.Site,
                provenance.OccurredAt ?? e.Timestamp, e.Timestamp, provenance.OnBehalfOf));

            var slot = 0;
            foreach (var mapper in _mappers)
                foreach (var message in mapper.Map(e))
                    messages.Add(new Outgoing(message, message.GetType(), DeterministicId.For(_options.Service, e.Id, ++slot), sequence, provenance));
        }
        // The page's audit entries in one message (its events came from many requests: it continues none of their traces).
        if (entries.Count > 0)
            messages.Add(new Outgoing(new DomainEventsRecorded(_options.Service, entries), typeof(DomainEventsRecorded),
                AuditPageId(_options.Service, entries[0].SourceSequence, sequence), sequence, new Provenance()));

        await PublishConfirmedAsync(messages, ct);
        if (_options.AfterConfirmBeforeProgress is { } hook) await hook([.. messages.Select(m => m.MessageId)]);
        operations.Store(numbered with { Sequence = sequence });
        _logger.LogDebug("Published {Count} messages for {Events} events up to audit sequence {Sequence}", messages.Count, page.Events.Count, sequence);
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// Publishes the page until the broker has confirmed all of it. A failure (the broker away, the audit
    /// feed's queue not bound yet) is waited out here, with growing pauses, rather than thrown: the page
    /// must not be skipped, and what the daemon does with a subscription that keeps throwing is its own
    /// policy, not ours to depend on.
    /// </summary>
    private async Task PublishConfirmedAsync(List<Outgoing> messages, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var thisAttempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            thisAttempt.CancelAfter(AttemptTimeout);
            try
            {
                // WaitAsync as well as the token: a confirm that never comes may not heed cancellation either.
                await Task.WhenAll(messages.Select(m => PublishAsync(m, thisAttempt.Token))).WaitAsync(AttemptTimeout, ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var wait = TimeSpan.FromMilliseconds(Math.Min(LongestWait.TotalMilliseconds, 50 * Math.Pow(2, attempt)));
                _logger.LogWarning(e, "Publishing {Count} messages failed (attempt {Attempt}); trying again in {Wait}", messages.Count, attempt, wait);
                await Task.Delay(wait, ct);
            }
        }
    }

    private Task PublishAsync(Outgoing m, CancellationToken ct)
    {
        // Published under the trace of the request that stored it, so the consumer's work joins that trace.
        using var trace = TraceContext.Continue(m.Provenance.TraceParent, "outbox publish", ActivityKind.Producer);
        return _bus.Publish(m.Message, m.Type, Pipe.Execute<PublishContext>(context =>
        {
            context.MessageId = m.MessageId;
            // The audit feed must never be dropped for want of a queue (audit not deployed yet): as
            // mandatory, an unroutable message fails the publish and the page is tried again.
            if (m.Message is DomainEventsRecorded && context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
            context.Headers.Set(SourceHeader, _options.Service);
            context.Headers.Set(SequenceHeader, m.Sequence);
            if (m.Provenance.CorrelationId is { } correlation) context.Headers.Set(CorrelationHeader, correlation);
            if (m.Provenance.TraceParent is { } traceParent) context.Headers.Set(TraceParentHeader, traceParent);
        }), ct);
    }

    private sealed record Outgoing(object Message, Type Type, Guid MessageId, long Sequence, Provenance Provenance);
}

public sealed record EventOutboxOptions
{
    /// <summary>The source name in the audit feed and in message ids ("approvals", "exceptions", …).</summary>
    public required string Service { get; init; }

    /// <summary>Fault injection for the kill-safety tests: runs after the broker confirmed a page, before its progress commits.</summary>
    internal Func<IReadOnlyList<Guid>, Task>? AfterConfirmBeforeProgress { get; init; }
}
