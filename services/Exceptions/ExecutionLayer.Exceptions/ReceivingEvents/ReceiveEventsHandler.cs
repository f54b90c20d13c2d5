using System.Diagnostics;
using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Exceptions.MeasuringFlow;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Telemetry;
using ExecutionLayer.Store.Intake;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using JasperFx.Events;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// Validates each event alone, then stores the accepted ones — all of a post or nothing — before anything is answered. In
/// the transaction that stores them the facts are appended, then, in the order posted, taken into the operational graph and
/// run through detection, so a hold has blocked its descendants and opened its case by the time the post is acknowledged.
/// Posts take the graph's turn one after another; the posts that queue for it meanwhile are taken together, in one
/// transaction (<see cref="GroupCommit{T}"/>), each still answered for its own events only. Idempotency is for ever: each
/// (source, id) is claimed as a key of its own in the transaction that stores its event, so a repeat is refused even when
/// two posts of it race.
/// </summary>
internal sealed class ReceiveEventsHandler
{
    /// <summary>The kind of stream the accepted events are kept in, one per source: intake-{source}.</summary>
    public const string StreamType = "intake";
    public const string StreamPrefix = "intake-";
    public const string IntakeEventType = "intake.operational-event-received";

    private const int MaxRaceRetries = 5;

    /// <summary>A group's events at most (two posts of the largest size): enough to pay a transaction's fixed costs once
    /// for every post queued at the ceiling, small enough that the graph's turn is never held for long.</summary>
    private const int MaxGroupEvents = 2_000;

    private readonly ServiceStore _store;
    private readonly IntakeKeys _keys;
    private readonly SiteCatalog _sites;
    private readonly CaseDetector _detector;
    private readonly Governing.GovernanceTables _governance;
    private readonly GraphWriter _graph;
    private readonly FlowFacts _flow;
    private readonly GroupCommit<Post> _groups;

    public ReceiveEventsHandler(ServiceStore store, IntakeKeys keys, SiteCatalog sites, CaseDetector detector, Governing.GovernanceTables governance)
    {
        (_store, _keys, _sites, _detector, _governance) = (store, keys, sites, detector, governance);
        (_graph, _flow) = (new GraphWriter(store.Schema), new FlowFacts(store.Schema));
        _groups = new GroupCommit<Post>(TakeTogetherAsync, post => post.Fresh.Count, MaxGroupEvents);
    }

    /// <summary>Posts waiting for the graph's turn while a group holds it.</summary>
    public int PostsQueued => _groups.Queued;

    public static Guid IntakeEventId(string source, string id) => DeterministicId.From($"intake|{source}|{id}");

    /// <param name="mayReportFor">Whether the caller may report for a site: a client of one plant cannot post another plant's events.</param>
    public async Task<IntakeResponse> HandleAsync(IReadOnlyList<PostedEvent> batch, Provenance provenance, Func<string, bool> mayReportFor, CancellationToken ct)
    {
        var results = new IntakeResult[batch.Count];
        var candidates = new List<Candidate>();
        var seen = new HashSet<Guid>();
        var parser = new IntakeParser(await _sites.CodesAsync(ct));
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
            candidates.Add(new Candidate(i, accepted, eventId));
        }

        // Traced as this request's whichever post's caller writes the group the post is in.
        await StoreAsync(candidates, provenance with { TraceParent = provenance.TraceParent ?? TraceContext.CurrentParent() }, results, ct);

        return new IntakeResponse(
            results.Count(r => r.Status == IntakeStatus.Accepted), results.Count(r => r.Status == IntakeStatus.Duplicate),
            results.Count(r => r.Status == IntakeStatus.Rejected), results);
    }

    private async Task StoreAsync(List<Candidate> candidates, Provenance provenance, IntakeResult[] results, CancellationToken ct)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            var stored = await _keys.StoredAsync([.. candidates.Select(c => (c.Event.Source, c.Event.Id))], ct);
            var fresh = candidates.Where(c => !stored.ContainsKey((c.Event.Source, c.Event.Id))).ToList();
            foreach (var repeat in candidates.Except(fresh)) results[repeat.Index] = repeat.Answer(IntakeStatus.Duplicate);
            if (fresh.Count == 0) return;

            var post = new Post(fresh, provenance, receivedAt);
            try
            {
                await _groups.WriteAsync(post, ct);
                foreach (var c in fresh) results[c.Index] = c.Answer(post.Kept.Contains(c) ? IntakeStatus.Accepted : IntakeStatus.Duplicate);
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
    /// A group of posts in one transaction, in the order they came: their fresh facts appended (their keys claimed with them),
    /// then taken into the graph and detected on in runs, as if posted one after another. A fact a rule is for on its own (a
    /// stop, a hold, a supply that may come late, a change nobody granted) is a run of its own, so its rule sees the graph as it
    /// stood right after it; the facts between such facts are one run, across posts — the graph takes them in a few set-based
    /// statements, and the promise dates and open cases they touch are judged once, after the run.
    /// </summary>
    private async Task TakeTogetherAsync(IReadOnlyList<Post> group)
    {
        // The group's posts are several callers': one leaving must not undo the others' work, so nothing here is cancelled.
        var ct = CancellationToken.None;
        var claimed = new HashSet<Guid>();
        foreach (var post in group) post.Kept = [.. post.Fresh.Where(c => claimed.Add(c.EventId))]; // an event two posts bring at once: the first
        var received = group.SelectMany(post => post.Kept.Select(c => (Post: post, c.Event, c.EventId, Stored: new OperationalEventReceived(
            c.Event.Source, c.Event.Id, c.Event.Type, c.Event.Site, c.Event.Subject, c.Event.OccurredAt, c.Event.Data)))).ToList();

        await using var tx = await _store.BeginAsync(ct);
        await tx.TakeTurnAsync(GraphWriter.Turn, ct);
        _keys.Claim(tx.Session, [.. received.Select(r => (r.Event.Source, r.Event.Id, r.EventId))]);
        // Each source's events in its own stream, all in one save; each event by its post's caller, at its site, and when it
        // happened: the floor's time, not the intake's.
        await tx.AppendEachRecordedAsync(received.Select(r =>
            (StreamPrefix + r.Event.Source, r.Stored, r.EventId, r.Post.Provenance with { Site = r.Event.Site, OccurredAt = r.Event.OccurredAt })), ct);

        var governed = await _governance.AllAsync(ct);
        var run = new List<Observation>();
        foreach (var (post, posted, eventId, stored) in received)
        {
            var seen = new Observation(eventId, post.ReceivedAt, stored, posted.Fact, post.Provenance.TraceParent);
            var rules = _detector.RulesFor(seen, governed.GetValueOrDefault(posted.Site) ?? []);
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
        await tx.CommitAsync(ct);
        ExceptionsMeter.IntakeGroup.Record(group.Count);
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
        await _detector.DetectAsync(tx, run, rules, ct);
        ExceptionsMeter.GraphRun.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        ExceptionsMeter.GraphFacts.Add(run.Count);
    }

    private readonly record struct Candidate(int Index, IntakeEvent Event, Guid EventId)
    {
        public IntakeResult Answer(IntakeStatus status) => new(Index, Event.Id, Event.Source, status);
    }

    /// <summary>A post's fresh events waiting for the graph's turn, who posted them and when, and which of them its group kept.</summary>
    private sealed class Post(IReadOnlyList<Candidate> fresh, Provenance provenance, DateTimeOffset receivedAt)
    {
        public IReadOnlyList<Candidate> Fresh { get; } = fresh;

        public Provenance Provenance { get; } = provenance;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        /// <summary>Fresh, less what an earlier post of the same group brought (one event posted twice at once): set by each write.</summary>
        public IReadOnlyList<Candidate> Kept { get; set; } = [];
    }
}
