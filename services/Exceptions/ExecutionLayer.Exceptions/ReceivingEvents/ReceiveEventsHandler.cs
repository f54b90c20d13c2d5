using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Intake;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using JasperFx.Events;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// Validates each event alone, then stores the accepted ones — one transaction per source and site —
/// before anything is answered. In that transaction each fact, in the order posted, is appended, taken
/// into the operational graph and run through detection, so a hold has blocked its descendants and
/// opened its case by the time the post is acknowledged. Idempotency is for ever: each (source, id) is
/// claimed as a key of its own in the transaction that stores its event, so a repeat is refused even
/// when two posts of it race.
/// </summary>
internal sealed class ReceiveEventsHandler(ServiceStore store, IntakeKeys keys, IntakeParser parser, CaseDetector detector)
{
    /// <summary>The kind of stream the accepted events are kept in, one per source: intake-{source}.</summary>
    public const string StreamType = "intake";
    public const string StreamPrefix = "intake-";
    public const string IntakeEventType = "intake.operational-event-received";

    /// <summary>
    /// The graph's turn: intake transactions take it one at a time, so each fact is applied and detected on
    /// a graph holding every fact committed before it (a lot linked while a hold is being propagated is
    /// either already there or sees the hold), and two transactions never lock the graph's rows in opposite orders.
    /// </summary>
    public const string GraphTurn = "exceptions-graph";

    private const int MaxRaceRetries = 5;
    private readonly GraphWriter _graph = new(store.Schema);

    public static Guid IntakeEventId(string source, string id) => DeterministicId.From($"intake|{source}|{id}");

    /// <param name="mayReportFor">Whether the caller may report for a site: a client of one plant cannot post another plant's events.</param>
    public async Task<IntakeResponse> HandleAsync(IReadOnlyList<PostedEvent> batch, Provenance provenance, Func<string, bool> mayReportFor, CancellationToken ct)
    {
        var results = new IntakeResult[batch.Count];
        var candidates = new List<(int Index, IntakeEvent Event, Guid EventId)>();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < batch.Count; i++)
        {
            var (accepted, rejection) = parser.Parse(batch[i]);
            if (accepted is null)
            {
                var (id, source) = batch[i].Names;
                results[i] = new IntakeResult(i, id, source, IntakeStatus.Rejected,
                    new IntakeProblem(rejection!.Title, rejection.Detail, Field: rejection.Field, Rule: rejection.Rule));
                continue;
            }
            if (!mayReportFor(accepted.Site))
            {
                results[i] = new IntakeResult(i, accepted.Id, accepted.Source, IntakeStatus.Rejected,
                    new IntakeProblem("Site not allowed", $"This client may not report events for site '{accepted.Site}'."));
                continue;
            }
            var eventId = IntakeEventId(accepted.Source, accepted.Id);
            if (!seen.Add(eventId))
            {
                results[i] = new IntakeResult(i, accepted.Id, accepted.Source, IntakeStatus.Duplicate);
                continue;
            }
            candidates.Add((i, accepted, eventId));
        }

        foreach (var group in candidates.GroupBy(c => (c.Event.Source, c.Event.Site)))
            await StoreAsync(group.ToList(), provenance with { Site = group.Key.Site }, results, ct);

        return new IntakeResponse(
            results.Count(r => r.Status == IntakeStatus.Accepted), results.Count(r => r.Status == IntakeStatus.Duplicate),
            results.Count(r => r.Status == IntakeStatus.Rejected), results);
    }

    private async Task StoreAsync(List<(int Index, IntakeEvent Event, Guid EventId)> group, Provenance provenance, IntakeResult[] results, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await keys.StoredAsync([.. group.Select(c => (c.Event.Source, c.Event.Id))], ct);
            var fresh = group.Where(c => !stored.ContainsKey((c.Event.Source, c.Event.Id))).ToList();
            foreach (var repeat in group.Except(fresh))
                results[repeat.Index] = new IntakeResult(repeat.Index, repeat.Event.Id, repeat.Event.Source, IntakeStatus.Duplicate);
            if (fresh.Count == 0) return;

            try
            {
                await using var tx = await store.BeginAsync(ct);
                await tx.TakeTurnAsync(GraphTurn, ct);
                foreach (var c in fresh) await TakeAsync(tx, c.Event, c.EventId, provenance, ct);
                await tx.CommitAsync(ct);
                foreach (var c in fresh)
                    results[c.Index] = new IntakeResult(c.Index, c.Event.Id, c.Event.Source, IntakeStatus.Accepted);
                return;
            }
            catch (Exception e) when (IntakeKeys.Refused(e) && attempt < MaxRaceRetries)
            {
                // Another post of one of these events committed between our look and our claim; nothing of ours was kept: look again.
                group = fresh;
            }
        }
    }

    /// <summary>One fact: appended (its key claimed with it), taken into the graph, then detected on — each step seeing the ones before.</summary>
    private async Task TakeAsync(StoreTransaction tx, IntakeEvent posted, Guid eventId, Provenance provenance, CancellationToken ct)
    {
        var received = new OperationalEventReceived(posted.Source, posted.Id, posted.Type, posted.Site, posted.Subject, posted.OccurredAt, posted.Data);
        // When it happened is the floor's time, not the intake's.
        tx.Record(provenance with { OccurredAt = posted.OccurredAt });
        keys.Claim(tx.Session, posted.Source, posted.Id, eventId);
        tx.Session.Events.Append(StreamPrefix + posted.Source, new Event<OperationalEventReceived>(received) { Id = eventId });
        await tx.Session.SaveChangesAsync(ct);

        var fact = FactTypes.Read(received.Type, received.Data);
        await _graph.ApplyAsync(tx.Transaction, received.Site, received.OccurredAt, fact, ct);
        await detector.DetectAsync(tx, new Observation(eventId, DateTimeOffset.UtcNow, received, fact), ct);
    }
}
