using ExecutionLayer.Store.Types;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ExecutionLayer.EventSourcing.Types;

/// <summary>
/// Maps .NET event types to stable stored names (never the CLR name: a rename must not orphan history)
/// and upgrades old schema versions on read, so years-old audit history still loads.
/// </summary>
public sealed partial class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, EventTypeName> _byType = new();
    private readonly ConcurrentDictionary<string, (Type Type, int SchemaVersion)> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = new();

    public EventTypeRegistry Register<T>(string name, int schemaVersion = 1) => Register(typeof(T), name, schemaVersion);

    public EventTypeRegistry Register(Type type, string name, int schemaVersion = 1)
    {
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"Event type name '{name}' must be lower-case words separated by '.' or '-' (at most 100 characters).", nameof(name));
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        if (_byName.TryGetValue(name, out var existing) && existing.Type != type)
            throw new InvalidOperationException($"Event type name '{name}' is already registered for {existing.Type.Name}.");
        _byType[type] = new EventTypeName(name, schemaVersion);
        _byName[name] = (type, schemaVersion);
        return this;
    }

    /// <summary>Registers the step from <paramref name="fromVersion"/> to fromVersion + 1 of a stored event's JSON.</summary>
    public EventTypeRegistry Upcast(string name, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        _upcasters[(name, fromVersion)] = upcast;
        return this;
    }

    public EventTypeName NameOf(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"Event type {type.FullName} is not registered; register it with a stable name before appending.");

    public bool IsRegistered(string name) => _byName.ContainsKey(name);

    public object Deserialize(string name, int storedVersion, string json)
    {
        if (!_byName.TryGetValue(name, out var target))
            throw new UnknownEventTypeException(name, storedVersion);
        if (storedVersion == target.SchemaVersion)
            return JsonSerializer.Deserialize(json, target.Type, EventJson.Options)!;

        var node = JsonNode.Parse(json)!.AsObject();
        for (var version = storedVersion; version < target.SchemaVersion; version++)
        {
            if (!_upcasters.TryGetValue((name, version), out var upcast))
                throw new UnknownEventTypeException(name, version);
            node = upcast(node);
        }
        return node.Deserialize(target.Type, EventJson.Options)!;
    }

    [GeneratedRegex("^(?=.{1,100}$)[a-z0-9]+([.-][a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}

public readonly record struct EventTypeName(string Name, int SchemaVersion);
