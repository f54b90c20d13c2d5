using ExecutionLayer.EventSourcing;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// Validates each event alone, then stores the accepted ones — one append per source and site — before
/// anything is answered. Idempotency is for ever: the stored event id is derived from (source, id), and
/// the store's unique event id refuses a repeat even when two posts of it race.
/// </summary>
public sealed class ReceiveEventsHandler(EventStore store, IntakeParser parser)
{
    public const string StreamType = "intake";
    private const int MaxRaceRetries = 5;

    public static Guid IntakeEventId(string source, string id) => DeterministicId.From($"intake|{source}|{id}");

    /// <param name="mayReportFor">Whether the caller may report for a site: a client of one plant cannot post another plant's events.</param>
    public async Task<IntakeResponse> HandleAsync(IReadOnlyList<PostedEvent> batch, EventMetadata metadata, Func<string, bool> mayReportFor, CancellationToken ct)
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
            await StoreAsync(group.ToList(), metadata with { Site = group.Key.Site }, results, ct);

        return new IntakeResponse(
            results.Count(r => r.Status == IntakeStatus.Accepted), results.Count(r => r.Status == IntakeStatus.Duplicate),
            results.Count(r => r.Status == IntakeStatus.Rejected), results);
    }

    private async Task StoreAsync(List<(int Index, IntakeEvent Event, Guid EventId)> group, EventMetadata metadata, IntakeResult[] results, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await store.FindStoredEventIdsAsync(group.Select(c => c.EventId).ToArray(), ct);
            var fresh = group.Where(c => !stored.Contains(c.EventId)).ToList();
            foreach (var repeat in group.Where(c => stored.Contains(c.EventId)))
                results[repeat.Index] = new IntakeResult(repeat.Index, repeat.Event.Id, repeat.Event.Source, IntakeStatus.Duplicate);
            if (fresh.Count == 0) return;

            try
            {
                var source = fresh[0].Event.Source;
                await store.AppendAsync($"intake-{source}", StreamType, ExpectedVersion.Any, fresh.Select(c => new NewEvent(
                    new OperationalEventReceived(c.Event.Source, c.Event.Id, c.Event.Type, c.Event.Site, c.Event.Subject, c.Event.OccurredAt, c.Event.Data),
                    c.EventId, c.Event.OccurredAt)).ToArray(), metadata, ct);
                foreach (var c in fresh)
                    results[c.Index] = new IntakeResult(c.Index, c.Event.Id, c.Event.Source, IntakeStatus.Accepted);
                return;
            }
            catch (DuplicateEventException) when (attempt < MaxRaceRetries)
            {
                // Another post of the same event committed between our check and our append: check again.
                group = fresh;
            }
        }
    }
}
