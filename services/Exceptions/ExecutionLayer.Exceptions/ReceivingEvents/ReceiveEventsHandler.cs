using System.Diagnostics;
using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Exceptions.MeasuringFlow;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Intake;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using JasperFx.Events;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// Validates each event alone, then stores the accepted ones — one transaction for the post, all or
/// nothing — before anything is answered. In that transaction the facts are appended, then, in the
/// order posted, taken into the operational graph and run through detection, so a hold has blocked its descendants and
/// opened its case by the time the post is acknowledged. Idempotency is for ever: each (source, id) is
/// claimed as a key of its own in the transaction that stores its event, so a repeat is refused even
/// when two posts of it race.
/// </summary>
internal sealed class ReceiveEventsHandler(ServiceStore store, IntakeKeys keys, SiteCatalog sites, CaseDetector detector, Governing.GovernanceTables governance)
{
    /// <summary>The kind of stream the accepted events are kept in, one per source: intake-{source}.</summary>
    public const string StreamType = "intake";
    public const string StreamPrefix = "intake-";
    public const string IntakeEventType = "intake.operational-event-received";

    private const int MaxRaceRetries = 5;
    private readonly GraphWriter _graph = new(store.Schema);
    private readonly FlowFacts _flow = new(store.Schema);

    public static Guid IntakeEventId(string source, string id) => DeterministicId.From($"intake|{source}|{id}");

    /// <param name="mayReportFor">Whether the caller may report for a site: a client of one plant cannot post another plant's events.</param>
    public async Task<IntakeResponse> HandleAsync(IReadOnlyList<PostedEvent> batch, Provenance provenance, Func<string, bool> mayReportFor, CancellationToken ct)
    {
        var results = new IntakeResult[batch.Count];
        var candidates = new List<(int Index, IntakeEvent Event, Guid EventId)>();
        var seen = new HashSet<Guid>();
        var parser = new IntakeParser(await sites.CodesAsync(ct));
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

        await StoreAsync(candidates, provenance, results, ct);

        return new IntakeResponse(
            results.Count(r => r.Status == IntakeStatus.Accepted), results.Count(r => r.Status == IntakeStatus.Duplicate),
            results.Count(r => r.Status == IntakeStatus.Rejected), results);
    }

    private async Task StoreAsync(List<(int Index, IntakeEvent Event, Guid EventId)> candidates, Provenance provenance, IntakeResult[] results, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await keys.StoredAsync([.. candidates.Select(c => (c.Event.Source, c.Event.Id))], ct);
            var fresh = candidates.Where(c => !stored.ContainsKey((c.Event.Source, c.Event.Id))).ToList();
            foreach (var repeat in candidates.Except(fresh))
                results[repeat.Index] = new IntakeResult(repeat.Index, repeat.Event.Id, repeat.Event.Source, IntakeStatus.Duplicate);
            if (fresh.Count == 0) return;

            try
            {
                await using var tx = await store.BeginAsync(ct);
                await tx.TakeTurnAsync(GraphWriter.Turn, ct);
                await TakeAsync(tx, fresh, provenance, ct);
                await tx.CommitAsync(ct);
                foreach (var c in fresh)
                    results[c.Index] = new IntakeResult(c.Index, c.Event.Id, c.Event.Source, IntakeStatus.Accepted);
                return;
            }
            catch (Exception e) when (IntakeKeys.Refused(e) && attempt < MaxRaceRetries)
            {
                // Another post of one of these events committed between our look and our claim; nothing of ours was kept: look again.
                candidates = fresh;
            }
        }
    }

    /// <summary>
    /// The post's fresh facts, appended (their keys claimed with them), then taken into the graph and detected on in runs, in the
    /// order posted: a fact a rule is for on its own (a stop, a hold, a supply that may come late, a change nobody granted) is a run
    /// of its own, so its rule sees the graph as it stood right after it; the facts between such facts are one run — the graph takes
    /// them in a few set-based statements, and the promise dates and open cases they touch are judged once, after the run.
    /// </summary>
    private async Task TakeAsync(StoreTransaction tx, List<(int Index, IntakeEvent Event, Guid EventId)> fresh, Provenance provenance, CancellationToken ct)
    {
        var received = fresh.Select(c => (c.Event, c.EventId, Stored: new OperationalEventReceived(c.Event.Source, c.Event.Id, c.Event.Type, c.Event.Site,
            c.Event.Subject, c.Event.OccurredAt, c.Event.Data))).ToList();
        keys.Claim(tx.Session, [.. received.Select(r => (r.Event.Source, r.Event.Id, r.EventId))]);
        // Each source's events in its own stream, all in one save; each event at its site, and when it happened: the floor's time, not the intake's.
        await tx.AppendEachRecordedAsync(received.Select(r =>
            (StreamPrefix + r.Event.Source, r.Stored, r.EventId, provenance with { Site = r.Event.Site, OccurredAt = r.Event.OccurredAt })), ct);

        var governed = await governance.AllAsync(ct);
        var run = new List<Observation>();
        foreach (var (posted, eventId, stored) in received)
        {
            var seen = new Observation(eventId, DateTimeOffset.UtcNow, stored, posted.Fact);
            var rules = detector.RulesFor(seen, governed.GetValueOrDefault(posted.Site) ?? []);
            if (rules.Count == 0)
            {
                run.Add(seen);
                continue;
            }
            await TakeRunAsync(tx, run, [], ct);
            await TakeRunAsync(tx, [seen], rules, ct);
            run = [];
        }
        await TakeRunAsync(tx, run, [], ct);
    }

    /// <summary>The run's facts into the graph and the flow tables in one round trip, then detected on.</summary>
    private async Task TakeRunAsync(StoreTransaction tx, IReadOnlyList<Observation> run, IReadOnlyList<Rule> rules, CancellationToken ct)
    {
        if (run.Count == 0) return;
        var started = Stopwatch.GetTimestamp();
        var facts = run.Select(seen => new GraphFact(seen.Site, seen.Received.OccurredAt, seen.Fact)).ToList();
        var statements = new SqlBatch();
        _graph.Add(statements, facts);
        _flow.Add(statements, facts);
        await statements.ExecuteAsync(tx.Transaction, ct);
        await detector.DetectAsync(tx, run, rules, ct);
        ExceptionsMeter.GraphRun.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        ExceptionsMeter.GraphFacts.Add(run.Count);
    }
}
