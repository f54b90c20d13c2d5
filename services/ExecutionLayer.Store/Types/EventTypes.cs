using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ExecutionLayer.Store.Decisions;
using JasperFx.Events.Projections;
using Marten;

namespace ExecutionLayer.Store.Types;

/// <summary>
/// The stable names events are stored under — never the CLR name, so a rename cannot orphan history —
/// and their schema versions. The ledger, the audit feed and the canonical JSON carry the name and the
/// version as they always have; Marten keys its upcasters by stored name, so each version is stored
/// under an alias of its own: the first under the name itself (today's names, unchanged), a later one
/// under "name.vN". Streams are named the same way: each kind of stream has a stable type ("action",
/// "approval", "intake") and a key prefix its ids start with, so the audit feed's stream type never
/// depends on a CLR name. A store refuses to append an event whose type, or whose stream's kind, is
/// not registered here.
/// </summary>
public sealed partial class EventTypes
{
    private readonly ConcurrentDictionary<Type, EventTypeName> _byType = new();
    private readonly ConcurrentDictionary<string, Type> _typeByAlias = new(StringComparer.Ordinal);
    private readonly List<Action<StoreOptions>> _configure = [];
    private readonly List<(string KeyPrefix, string StreamType)> _streams = [];

    /// <summary>The current version of an event, stored under <paramref name="name"/> (version 1) or its version's alias.</summary>
    public EventTypes Register<T>(string name, int schemaVersion = 1)
    {
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"Event type name '{name}' must be lower-case words separated by '.' or '-' (at most 100 characters), not ending in a version.", nameof(name));
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        var alias = Alias(name, schemaVersion);
        if (_typeByAlias.TryGetValue(alias, out var other) && other != typeof(T))
            throw new InvalidOperationException($"Event type name '{name}' version {schemaVersion} is already registered for {other.Name}.");
        _typeByAlias[alias] = typeof(T);
        _byType[typeof(T)] = new EventTypeName(name, schemaVersion);
        return this;
    }

    /// <summary>
    /// History stored at <paramref name="fromVersion"/> of <paramref name="name"/> reads back as
    /// <typeparamref name="TNew"/>: <typeparamref name="TOld"/> is the old shape, kept only to read it.
    /// </summary>
    public EventTypes Upcast<TOld, TNew>(string name, int fromVersion, Func<TOld, TNew> upcast)
        where TOld : class where TNew : class
    {
        var alias = Alias(name, fromVersion);
        if (_typeByAlias.TryGetValue(alias, out var current))
            throw new InvalidOperationException($"Event type name '{name}' version {fromVersion} is {current.Name}'s current version; upcast only from an older one.");
        _configure.Add(options => options.Events.Upcast(alias, upcast));
        return this;
    }

    /// <summary>
    /// An aggregate's streams: their ids start with <paramref name="keyPrefix"/>, they are stored as
    /// <typeparamref name="T"/>'s <c>StreamType</c>, and Marten folds them live with its Evolve.
    /// </summary>
    public EventTypes Stream<T>(string keyPrefix) where T : class, IAggregate<T>
    {
        Stream(T.StreamType, keyPrefix);
        _configure.Add(options => options.Projections.Add(new LiveAggregate<T>(), ProjectionLifecycle.Live));
        return this;
    }

    /// <summary>Streams that no aggregate folds (the intake's log of accepted events), named all the same.</summary>
    public EventTypes Stream(string streamType, string keyPrefix)
    {
        if (!NamePattern().IsMatch(streamType)) throw new ArgumentException($"Stream type '{streamType}' must be lower-case words separated by '.' or '-'.", nameof(streamType));
        if (string.IsNullOrEmpty(keyPrefix) || keyPrefix[^1] != '-') throw new ArgumentException($"Stream key prefix '{keyPrefix}' must end in '-'.", nameof(keyPrefix));
        if (_streams.Any(s => s.KeyPrefix.StartsWith(keyPrefix, StringComparison.Ordinal) || keyPrefix.StartsWith(s.KeyPrefix, StringComparison.Ordinal)))
            throw new InvalidOperationException($"Stream key prefix '{keyPrefix}' overlaps one already registered; a key must name one kind of stream.");
        _streams.Add((keyPrefix, streamType));
        return this;
    }

    /// <summary>The stable type of the stream a key names.</summary>
    public string StreamTypeOf(string streamKey) =>
        _streams.FirstOrDefault(s => streamKey.StartsWith(s.KeyPrefix, StringComparison.Ordinal)).StreamType
        ?? throw new InvalidOperationException($"Stream key '{streamKey}' starts with no registered prefix; register its kind of stream before appending.");

    internal bool IsRegisteredStream(string streamKey) => _streams.Any(s => streamKey.StartsWith(s.KeyPrefix, StringComparison.Ordinal));

    /// <summary>The stable name of an event type and its current schema version: what an event read back (upcast) is in.</summary>
    public EventTypeName NameOf(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"Event type {type.FullName} is not registered; register it with a stable name before appending.");

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    internal void ApplyTo(StoreOptions options)
    {
        foreach (var (type, name) in _byType) options.Events.MapEventType(type, Alias(name.Name, name.SchemaVersion));
        foreach (var configure in _configure) configure(options);
        options.Listeners.Add(new OnlyRegisteredEvents(this));
    }

    private static string Alias(string name, int schemaVersion) => schemaVersion == 1 ? name : $"{name}.v{schemaVersion}";

    [GeneratedRegex(@"^(?=.{1,100}$)(?!.*\.v[0-9]+$)[a-z0-9]+([.-][a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}

public readonly record struct EventTypeName(string Name, int SchemaVersion);

/// <summary>Refuses a SaveChanges that would store an event under a name nobody chose (Marten's default is the CLR name).</summary>
internal sealed class OnlyRegisteredEvents(EventTypes types) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        foreach (var stream in session.PendingChanges.Streams())
        {
            if (stream.Key is not { } key || !types.IsRegisteredStream(key))
                throw new InvalidOperationException($"Stream '{stream.Key ?? stream.Id.ToString()}' is of no registered kind; register its key prefix before appending.");
            foreach (var e in stream.Events)
                if (!types.IsRegistered(e.EventType))
                    throw new InvalidOperationException($"Event type {e.EventType.FullName} is not registered; register it with a stable name before appending.");
        }
        return Task.CompletedTask;
    }
}
