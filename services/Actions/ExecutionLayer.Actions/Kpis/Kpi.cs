using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Kpis;

public enum Direction { HigherIsBetter, LowerIsBetter }

public enum KpiStatus { Unknown, Green, Amber, Red }

/// <summary>
/// A KPI's definition. A reading at or better than <see cref="Green"/> is green, at or worse than
/// <see cref="Red"/> red, in between amber; better and worse follow <see cref="Direction"/>.
/// </summary>
public sealed record KpiDefinition(string Name, string Unit, Direction Direction, decimal Target, decimal Green, decimal Red, Perspective Perspective)
{
    public bool IsBetter(decimal value, decimal than) => Direction == Direction.HigherIsBetter ? value > than : value < than;

    public KpiStatus StatusOf(decimal? value) => value switch
    {
        null => KpiStatus.Unknown,
        { } v when v == Green || IsBetter(v, Green) => KpiStatus.Green,
        { } v when v == Red || IsBetter(Red, v) => KpiStatus.Red,
        _ => KpiStatus.Amber,
    };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors.Add("name: at most 200 characters.");
        if (string.IsNullOrWhiteSpace(Unit) || Unit.Length > 30) errors.Add("unit: at most 30 characters (%, ppm, hours, USD).");
        if (!IsBetter(Green, Red)) errors.Add($"green must be better than red for a KPI where {(Direction == Direction.HigherIsBetter ? "higher" : "lower")} is better.");
        return errors;
    }
}

/// <summary>A KPI of the registry, versioned: a reading is always judged by the definition in force.</summary>
public sealed record Kpi(string Site, string Code, int Version, KpiDefinition? Definition) : IAggregate<Kpi, Kpi.Event>
{
    /// <summary>Everything that can happen to a KPI's definition (its readings are facts of their own): nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record Defined(string Site, string Kpi, int Version, KpiDefinition Definition, string DefinedBy, DateTimeOffset DefinedAt) : Event;
    }

    public static string StreamType => "kpi";

    public static Kpi Initial { get; } = new("", "", 0, null);

    public static string StreamId(string site, string kpi) => $"kpi-{site}-{kpi}";

    public Kpi Apply(Event @event) => @event switch
    {
        Event.Defined e => new Kpi(e.Site, e.Kpi, e.Version, e.Definition),
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a KPI event."), // unreachable: the hierarchy is closed
    };

    /// <summary>The same definition again is not a new version: a retried PUT adds nothing.</summary>
    public static IReadOnlyList<Event> Define(Kpi state, string site, string kpi, KpiDefinition definition, string by, DateTimeOffset now) =>
        state.Definition is { } current && Store.Types.EventJson.Same(current, definition) ? []
        : [new Event.Defined(site, kpi, state.Version + 1, definition, by, now)];
}

/// <summary>A reading of a KPI, as ERP/MES or a person reported it; <see cref="SourceEventId"/> is what makes a repeat recognisable.</summary>
public sealed record KpiReadingRecorded(string Site, string Kpi, decimal Value, string Unit, DateTimeOffset MeasuredAt, string Source, string SourceEventId);

public sealed record Reading(decimal Value, DateTimeOffset MeasuredAt);
