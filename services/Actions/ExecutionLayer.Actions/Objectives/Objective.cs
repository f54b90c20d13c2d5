using System.Globalization;
using System.Text.RegularExpressions;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Objectives;

/// <summary>Where an objective sits in the cascade: the company's, a plant's, or a department's at a plant.</summary>
public enum ObjectiveLevel { Corporate, Site, Department }

/// <summary>A KPI an objective is measured by, at the site it is measured at, with its weight among the objective's KPIs.</summary>
public sealed record ObjectiveKpi(string Site, string Kpi, decimal Weight);

/// <summary>
/// The stretch of time an objective is for: a year (<c>2026</c>), a quarter (<c>2026-Q4</c>) or a month (<c>2026-12</c>), read as the
/// half-open UTC interval [<see cref="From"/>, <see cref="Until"/>).
/// </summary>
public sealed partial record ObjectivePeriod(string Name, DateTimeOffset From, DateTimeOffset Until)
{
    public static ObjectivePeriod? Parse(string? name)
    {
        if (name is null) return null;
        var match = Pattern().Match(name.Trim());
        if (!match.Success) return null;
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 2999) return null;
        var (from, months) = match.Groups["quarter"].Success ? (new DateTime(year, (int.Parse(match.Groups["quarter"].Value, CultureInfo.InvariantCulture) - 1) * 3 + 1, 1), 3)
            : match.Groups["month"].Success && int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture) is var month and >= 1 and <= 12 ? (new DateTime(year, month, 1), 1)
            : match.Groups["month"].Success ? (default, 0)
            : (new DateTime(year, 1, 1), 12);
        if (months == 0) return null;
        var start = new DateTimeOffset(from, TimeSpan.Zero);
        return new ObjectivePeriod(name.Trim(), start, start.AddMonths(months));
    }

    public bool Overlaps(ObjectivePeriod other) => From < other.Until && other.From < Until;

    [GeneratedRegex(@"^(?<year>\d{4})(-Q(?<quarter>[1-4])|-(?<month>\d{2}))?$")]
    private static partial Regex Pattern();
}

/// <summary>
/// An objective as defined: a strategic goal in one Balanced Scorecard perspective, at a level of the cascade (a site and a
/// department below the company), under its <see cref="Parent"/>, owned by one person, for a period, measured by weighted KPIs.
/// </summary>
public sealed record ObjectiveDefinition(
    string Name, ObjectiveLevel Level, string? Site, string? Department, string? Parent, Perspective Perspective, string Owner, string Period,
    IReadOnlyList<ObjectiveKpi> Kpis)
{
    /// <summary>What is wrong with the definition on its face, by field; the world (parents, KPIs, sites) is checked at the edge.</summary>
    public Dictionary<string, string[]> Validate(string id)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Objective.IdPattern().IsMatch(id)) errors["id"] = ["An objective id: lower-case letters, digits and '-' (on-time-delivery-2026), at most 63."];
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors["name"] = ["Name it, in at most 200 characters."];
        if (string.IsNullOrWhiteSpace(Owner) || Owner.Length > 200) errors["owner"] = ["The one person who owns it."];
        if (ObjectivePeriod.Parse(Period) is null) errors["period"] = ["A year (2026), a quarter (2026-Q4) or a month (2026-12)."];
        switch (Level)
        {
            case ObjectiveLevel.Corporate when Site is not null || Department is not null:
                errors["site"] = ["A corporate objective names no site or department."];
                break;
            case ObjectiveLevel.Site when string.IsNullOrWhiteSpace(Site) || Department is not null:
                errors["site"] = ["A site objective names its site, and no department."];
                break;
            case ObjectiveLevel.Department when string.IsNullOrWhiteSpace(Site) || string.IsNullOrWhiteSpace(Department) || Department.Length > 100:
                errors["department"] = ["A department objective names its site and its department (at most 100 characters)."];
                break;
        }
        if (Parent is not null && !Objective.IdPattern().IsMatch(Parent)) errors["parent"] = ["The parent objective's id."];
        if (Parent == id) errors["parent"] = ["An objective is not its own parent."];
        if (Level != ObjectiveLevel.Corporate && Parent is null) errors["parent"] = ["A site or department objective serves one above it: name its parent."];
        if (Kpis is not { Count: > 0 and <= 20 }) errors["kpis"] = ["From 1 to 20 KPIs, each with a weight."];
        else if (Kpis.Any(k => k is null || k.Weight <= 0 || k.Weight > 1000 || !Objective.IdPattern().IsMatch(k.Kpi ?? "") || string.IsNullOrWhiteSpace(k.Site)))
            errors["kpis"] = ["Each KPI: its site, its code (scrap-rate) and a weight above 0 (at most 1000)."];
        else if (Kpis.GroupBy(k => (k.Site, k.Kpi)).Any(g => g.Count() > 1)) errors["kpis"] = ["Each KPI once."];
        else if (Level != ObjectiveLevel.Corporate && Kpis.Any(k => k.Site != Site)) errors["kpis"] = [$"A {Level.ToString().ToLowerInvariant()} objective is measured by KPIs at its own site ({Site})."];
        return errors;
    }
}

/// <summary>An objective: defined (and redefined, each time a version), or retired; one stream per objective id.</summary>
public sealed partial record Objective(string Id, int Version, ObjectiveDefinition? Definition, bool Retired) : IAggregate<Objective, Objective.Event>
{
    /// <summary>Everything that can happen to an objective: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record Defined(string ObjectiveId, int Version, ObjectiveDefinition Definition, string DefinedBy, DateTimeOffset DefinedAt) : Event;

        public sealed record Retired(string ObjectiveId, string RetiredBy, DateTimeOffset RetiredAt) : Event;
    }

    public static string StreamType => "objective";

    public const string StreamPrefix = "objective-";

    public static Objective Initial { get; } = new("", 0, null, false);

    public static string StreamId(string id) => StreamPrefix + id;

    public Objective Apply(Event @event) => @event switch
    {
        Event.Defined e => new Objective(e.ObjectiveId, e.Version, e.Definition, false),
        Event.Retired => this with { Retired = true },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not an objective event."), // unreachable: the hierarchy is closed
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex IdPattern();
}

/// <summary>The world an objective's definition is checked against, read at the edge.</summary>
/// <param name="Parent">The parent objective as it stands (null when none is named or it does not exist).</param>
/// <param name="UndefinedKpis">The KPIs named that no site defines, as site/kpi.</param>
/// <param name="Children">The objectives naming this one as their parent, with their levels: a change of level must keep them below it.</param>
public sealed record ObjectiveWorld(Objective? Parent, IReadOnlyList<string> UndefinedKpis, IReadOnlyList<ObjectiveLevel> Children);

public static class ObjectiveDecisions
{
    /// <summary>A new version when anything differs; the same definition again is no change. The cascade is checked here.</summary>
    public static IReadOnlyList<Objective.Event> Define(Objective state, string id, ObjectiveDefinition definition, ObjectiveWorld world, string by, DateTimeOffset now)
    {
        if (definition.Parent is { } parentId)
        {
            if (world.Parent is not { Definition: { } parent, Retired: false })
                throw new RuleViolationException("unknown-parent", $"No objective {parentId} to serve; define it first.");
            if (parent.Level >= definition.Level)
                throw new RuleViolationException("cascade", $"A {Name(definition.Level)} objective serves one above it; {parentId} is {Name(parent.Level)}.");
            if (definition.Level == ObjectiveLevel.Department && parent.Site != definition.Site)
                throw new RuleViolationException("cascade", $"A department objective at {definition.Site} serves an objective of {definition.Site}, not of {parent.Site}.");
        }
        if (world.Children.Any(level => level <= definition.Level))
            throw new RuleViolationException("cascade", $"Objectives below {id} would no longer be below it as a {Name(definition.Level)} objective.");
        if (world.UndefinedKpis.Count > 0)
            throw new RuleViolationException("unknown-kpi", $"No such KPI: {string.Join(", ", world.UndefinedKpis)}; define it with PUT /kpis/{{site}}/{{kpi}}.");
        if (state.Definition is { } current && !state.Retired && Store.Types.EventJson.Same(current, definition)) return [];
        return [new Objective.Event.Defined(id, state.Version + 1, definition, by, now)];
    }

    public static IReadOnlyList<Objective.Event> Retire(Objective state, string id, string by, DateTimeOffset now, bool hasChildren) =>
        state.Definition is null ? throw new NotFoundException($"No objective {id}.")
        : state.Retired ? []
        : hasChildren ? throw new RuleViolationException("has-children", $"Objectives still serve {id}: retire or re-parent them first.")
        : [new Objective.Event.Retired(id, by, now)];

    private static string Name(ObjectiveLevel level) => level.ToString().ToLowerInvariant();
}
