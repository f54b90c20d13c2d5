using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Testing;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.Store.Tests;

/// <summary>What another service learns of a shared note: the one integration event these tests map.</summary>
public sealed record NoteShared(string Text);

public sealed class SharedNotes : IEventMapper
{
    public IEnumerable<object> Map(IEvent stored) => stored.Data is Noted { Text: var text } && text.StartsWith("shared", StringComparison.Ordinal)
        ? [new NoteShared(text)]
        : [];
}

/// <summary>
/// The outbox as a service runs it: Marten's async daemon (HotCold) in a host with the project's bus on
/// real RabbitMQ, and another service's queue on the other side recording what arrives and under which
/// message id.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Service = "plant";
    private const string Schema = "outbox_test";

    private readonly FreshDatabase _database = new();
    private readonly FreshVirtualHost _vhost = new();
    private readonly List<IAsyncDisposable> _running = [];
    private IHost? _service;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _vhost.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync();
            _service.Dispose();
        }
        foreach (var running in _running) await running.DisposeAsync();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Another service on the bus: the audit feed's consumer and the shared notes' (each only if asked for).</summary>
    private async Task<BusProbe> ListenerAsync(bool audit = true, bool notes = true)
    {
        var probe = new BusProbe(_vhost.Settings);
        if (audit) probe.Listen<DomainEventsRecorded>();
        if (notes) probe.Listen<NoteShared>();
        _running.Add(await probe.StartAsync());
        return probe;
    }

    private async Task<IDocumentStore> StartServiceAsync(Func<IReadOnlyList<Guid>, Task>? afterConfirmBeforeProgress = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(_vhost.Configuration);
        builder.Services.AddExecutionLayerBus(builder.Configuration);
        builder.Services.AddSingleton<IEventMapper, SharedNotes>();
        var types = TestEvents.Registered();
        builder.Services.AddSingleton(types);
        if (afterConfirmBeforeProgress is not null)
            builder.Services.AddSingleton(new EventOutboxOptions { Service = Service, AfterConfirmBeforeProgress = afterConfirmBeforeProgress });
        builder.Services.AddMarten(options =>
            {
                options.Connection(_database.ConnectionString);
                StoreConfiguration.Apply(options, Schema, types);
            })
            .AddEventOutbox(Service)
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.HotCold);
        _service = builder.Build();
        await _service.StartAsync();
        return _service.Services.GetRequiredService<IDocumentStore>();
    }

    private static async Task<IEvent> AppendAsync(IDocumentStore store, string text, Provenance? provenance = null)
    {
        await using var session = store.LightweightSession();
        if (provenance is not null) session.Record(provenance);
        var stream = TestStore.NewStream();
        session.Events.StartStream(stream, new Noted(text));
        await session.SaveChangesAsync();
        return Assert.Single(await session.Events.FetchStreamAsync(stream));
    }

    /// <summary>The audit entries received, whatever page each came in.</summary>
    private static IEnumerable<DomainEventRecorded> Entries(BusProbe probe) => probe.Received<DomainEventsRecorded>().SelectMany(page => page.Events);

    /// <summary>The audit numbers received, in number order: pages are published all at once, so the broker may deliver them in any order.</summary>
    private static IReadOnlyList<long> Numbers(BusProbe probe) => [.. Entries(probe).Select(e => e.SourceSequence).Order()];

    [Fact]
    public async Task Every_committed_event_reaches_the_audit_feed_numbered_in_the_order_stored_in_pages_named_by_their_numbers_and_with_its_provenance()
    {
        var other = await ListenerAsync();
        var store = await StartServiceAsync();
        var grant = new Provenance(CorrelationId: "case-cnc-4", CausationId: "msg-7f3a", Actor: "approvals-bridge", OnBehalfOf: "p.manager",
            Site: "OH-DAYTON", OccurredAt: new DateTimeOffset(2026, 11, 23, 13, 40, 0, TimeSpan.Zero));

        var first = await AppendAsync(store, "CNC-4 down", grant);
        var shared = await AppendAsync(store, "shared: SO-1001 ships a day late");
        var third = await AppendAsync(store, "hold QH-1 released");

        await Eventually.TrueAsync(() => Numbers(other).Count == 3 && other.Received<NoteShared>().Count == 1, "three audit entries and one shared note");
        Assert.Equal([1L, 2L, 3L], Numbers(other));
        var pages = other.Deliveries<DomainEventsRecorded>();
        Assert.All(pages, page => Assert.Equal(EventOutbox.AuditPageId(Service, page.Message.Events[0].SourceSequence, page.Message.Events[^1].SourceSequence), page.MessageId));
        Assert.All(pages, page => Assert.Equal(Service, page.Message.Source));
        var audit = Entries(other).OrderBy(e => e.SourceSequence).ToList();
        Assert.Equal([first.Id, shared.Id, third.Id], audit.Select(e => e.EventId));
        Assert.Equal(DeterministicId.For(Service, shared.Id, 1), Assert.Single(other.Deliveries<NoteShared>()).MessageId);

        var entry = audit[0];
        Assert.Equal((Service, TestEvents.NotedName, first.StreamKey, 1L, first.Sequence), (entry.Source, entry.EventType, entry.StreamId, entry.StreamVersion, entry.GlobalPosition));
        Assert.Equal("note", entry.StreamType);
        Assert.Equal(("case-cnc-4", "msg-7f3a", "approvals-bridge", "p.manager", "OH-DAYTON"), (entry.CorrelationId, entry.CausationId, entry.Actor, entry.OnBehalfOf, entry.Site));
        Assert.Equal(grant.OccurredAt, entry.OccurredAt);
        Assert.Contains("\"text\":\"CNC-4 down\"", entry.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolled_back_append_leaves_a_hole_in_Marten_s_sequence_but_none_in_the_audit_feed()
    {
        var other = await ListenerAsync();
        var store = await StartServiceAsync();
        await AppendAsync(store, "before");
        await using (var connection = await _database.DataSource.OpenConnectionAsync())
        await using (var abandoned = await connection.BeginTransactionAsync())
        {
            await using var session = store.LightweightSession(SessionOptions.ForTransaction(abandoned));
            session.Events.StartStream(TestStore.NewStream(), new Noted("rolled back"));
            await session.SaveChangesAsync();
            await abandoned.RollbackAsync();
        }
        await AppendAsync(store, "after");

        await Eventually.TrueAsync(() => Numbers(other).Count == 2, "both committed events in the audit feed", TimeSpan.FromSeconds(60));
        var audit = Entries(other).OrderBy(e => e.SourceSequence).ToList();
        Assert.Equal([1L, 2L], audit.Select(e => e.SourceSequence));
        Assert.True(audit[1].GlobalPosition - audit[0].GlobalPosition > 1, "Marten's sequence has the rolled-back event's hole");
    }

    [Fact]
    public async Task While_the_audit_feed_has_no_queue_nothing_moves_past_it_and_all_of_it_follows_densely_numbered_once_it_has_one()
    {
        var notesOnly = await ListenerAsync(audit: false);
        var store = await StartServiceAsync();
        for (var i = 1; i <= 5; i++) await AppendAsync(store, $"shared: note {i}");

        // The shared notes of the page may go out (and again, with the same ids) while the audit publishes are refused.
        await Eventually.TrueAsync(() => notesOnly.Received<NoteShared>().Count >= 5, "the page's integration events are being published");
        var auditor = await ListenerAsync(notes: false);

        await Eventually.TrueAsync(() => Numbers(auditor).Count >= 5, "the audit feed once its queue exists", TimeSpan.FromSeconds(60));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], Numbers(auditor));
        Assert.All(notesOnly.Deliveries<NoteShared>().GroupBy(d => d.Message.Text), repeats => Assert.Single(repeats.Select(d => d.MessageId).Distinct()));
    }

    [Fact]
    public async Task A_page_confirmed_by_the_broker_whose_progress_was_not_committed_is_published_again_under_the_same_ids_and_numbers()
    {
        var other = await ListenerAsync();
        var failures = 1;
        var store = await StartServiceAsync(afterConfirmBeforeProgress: _ =>
            Interlocked.Decrement(ref failures) >= 0 ? throw new IOException("the service died between the broker's confirm and the progress commit") : Task.CompletedTask);

        await AppendAsync(store, "CNC-4 down");
        await AppendAsync(store, "shared: SO-1001 at risk");

        await Eventually.TrueAsync(() => Entries(other).Count() >= 3, "a page again", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () =>
        {
            await using var session = store.QuerySession();
            return (await session.LoadAsync<OutboxSequence>(Service))?.Sequence == 2;
        }, "the progress and the audit numbering committed once");
        var pages = other.Deliveries<DomainEventsRecorded>();
        Assert.All(pages.GroupBy(d => d.MessageId), repeats => Assert.Single(repeats.Select(d => string.Join(",", d.Message.Events.Select(e => e.SourceSequence))).Distinct()));
        Assert.All(Entries(other).GroupBy(e => e.EventId), repeats => Assert.Single(repeats.Select(e => e.SourceSequence).Distinct()));
        Assert.Equal([1L, 2L], Numbers(other).Distinct());
    }
}
