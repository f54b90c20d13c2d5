using System.Collections.Concurrent;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Testing;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace ExecutionLayer.Store.Tests;

public sealed record Noted(string Text);

/// <summary>A stream of notes as an aggregate: how many, the last one, whether it is closed to more.</summary>
public sealed record NoteLog(int Count, string? Last) : Decisions.IAggregate<NoteLog, Noted>
{
    public static string StreamType => "note";

    public static NoteLog Initial { get; } = new(0, null);

    public NoteLog Apply(Noted n) => new(Count + 1, n.Text);
}

/// <summary>The test events under their stable names, as a service registers its own.</summary>
public static class TestEvents
{
    public const string NotedName = "plant.noted";

    public static EventTypes Registered() => new EventTypes().Register<Noted>(NotedName).Stream<NoteLog>("note-");
}

/// <summary>A Marten store built as the services build theirs, in a database of its own, with a subscription that records what it is handed.</summary>
public sealed class TestStore : IAsyncLifetime
{
    private readonly FreshDatabase _database = new();

    public DocumentStore Store { get; private set; } = null!;
    public SubscriptionFailures Failures { get; } = new();
    public Delivered Delivered { get; }

    public TestStore() => Delivered = new Delivered(Failures);
    public FreshDatabase Database => _database;
    public const string Schema = "store_test";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Store = DocumentStore.For(options =>
        {
            options.Connection(_database.ConnectionString);
            StoreConfiguration.Apply(options, Schema, TestEvents.Registered());
            options.Events.Subscribe(Delivered);
        });
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        Store.Dispose();
        await _database.DisposeAsync();
    }

    /// <summary>The async daemon, running every subscription as a service's HotCold daemon does once it leads; stopped when disposed.</summary>
    public async Task<IAsyncDisposable> StartDaemonAsync()
    {
        var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        return new Running(daemon);
    }

    /// <summary>A new stream's key, of the one kind of stream the test events are registered for.</summary>
    public static string NewStream() => $"note-{Guid.NewGuid():N}";

    public Task AppendAsync(string text) => StartStreamAsync(NewStream(), text);

    public async Task StartStreamAsync(string stream, string text)
    {
        await using var session = Store.LightweightSession();
        session.Events.StartStream(stream, new Noted(text));
        await session.SaveChangesAsync();
    }

    private sealed class Running(IProjectionDaemon daemon) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await daemon.StopAllAsync();
            daemon.Dispose();
        }
    }
}

/// <summary>
/// Records every <see cref="Noted"/> a subscription page hands over, in the order handed; a note that starts
/// with "poison" makes the page fail, as a mapper's bug would.
/// </summary>
public sealed class Delivered(SubscriptionFailures failures) : ReportedSubscription(failures)
{
    private readonly ConcurrentQueue<JasperFx.Events.IEvent> _events = new();

    public IReadOnlyList<string> Texts => [.. _events.Select(e => ((Noted)e.Data).Text)];

    public IReadOnlyList<JasperFx.Events.IEvent> Events => [.. _events];

    protected override Task<IChangeListener> ProcessPageAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        if (page.Events.FirstOrDefault(e => e.Data is Noted n && n.Text.StartsWith("poison", StringComparison.Ordinal)) is { } poison)
            throw new InvalidOperationException($"Note {poison.Sequence} cannot be delivered: {((Noted)poison.Data).Text}");
        foreach (var e in page.Events)
            if (e.Data is Noted) _events.Enqueue(e);
        return Task.FromResult(NullChangeListener.Instance);
    }
}
