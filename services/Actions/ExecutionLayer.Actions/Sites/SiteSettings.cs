using System.Text.Json.Serialization;
using System.Xml;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Sites;

/// <summary>One rung of the overdue ladder: whom to tell (owner, manager, site-leader or any role) and how long after the due date.</summary>
public sealed record LadderRung(string Notify, string After)
{
    /// <summary>Computed from <see cref="After"/>: neither sent nor stored, so it is never mistaken for an input.</summary>
    [JsonIgnore]
    public TimeSpan Delay => XmlConvert.ToTimeSpan(After);
}

/// <summary>
/// How a site runs its actions: who holds which role (verifiers, the site leader), who manages whom,
/// its overdue ladder, and its windows for repeat detection and closure quality.
/// </summary>
public sealed record SiteRules(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Roles, IReadOnlyDictionary<string, string> Managers, IReadOnlyList<LadderRung> OverdueLadder,
    int RepeatWindowDays, int VerificationWindowDays, string DefaultVerifierRole)
{
    public const string SiteLeader = "site-leader";
    public const string Manager = "manager";
    public const string Owner = "owner";

    public static SiteRules Default { get; } = new(
        new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, string>(),
        [new LadderRung(Owner, "PT0S"), new LadderRung(Manager, "P2D"), new LadderRung(SiteLeader, "P5D")], 90, 14, "quality-lead");

    public IReadOnlyList<string> HoldersOf(string role) =>
        Roles.FirstOrDefault(r => string.Equals(r.Key, role, StringComparison.OrdinalIgnoreCase)).Value ?? [];

    public bool Holds(string person, string role) => HoldersOf(role).Contains(person, StringComparer.OrdinalIgnoreCase);

    public string? ManagerOf(string person) =>
        Managers.FirstOrDefault(m => string.Equals(m.Key, person, StringComparison.OrdinalIgnoreCase)).Value ?? HoldersOf(Manager).FirstOrDefault();

    /// <summary>The people one rung of the ladder tells about an owner's overdue action.</summary>
    public IReadOnlyList<string> Notify(LadderRung rung, string owner) => rung.Notify.ToLowerInvariant() switch
    {
        Owner => [owner],
        Manager => ManagerOf(owner) is { } manager ? [manager] : [],
        _ => HoldersOf(rung.Notify),
    };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (OverdueLadder.Count is 0 or > 10) errors.Add("overdueLadder: from 1 to 10 rungs.");
        var previous = TimeSpan.MinValue;
        foreach (var rung in OverdueLadder)
        {
            if (string.IsNullOrWhiteSpace(rung?.Notify)) { errors.Add("overdueLadder: each rung names whom to notify."); continue; }
            try
            {
                if (rung.Delay < TimeSpan.Zero || rung.Delay < previous) errors.Add("overdueLadder: delays are ISO 8601 durations, not negative, each at least the one before.");
                previous = rung.Delay;
            }
            catch (FormatException) { errors.Add($"overdueLadder: '{rung.After}' is not an ISO 8601 duration such as P2D or PT4H."); }
        }
        if (RepeatWindowDays is < 1 or > 3650) errors.Add("repeatWindowDays: from 1 to 3650.");
        if (VerificationWindowDays is < 1 or > 365) errors.Add("verificationWindowDays: from 1 to 365.");
        if (string.IsNullOrWhiteSpace(DefaultVerifierRole)) errors.Add("defaultVerifierRole: name the role that verifies closures by default.");
        if (Roles.Any(r => string.IsNullOrWhiteSpace(r.Key) || r.Value is null || r.Value.Any(string.IsNullOrWhiteSpace)))
            errors.Add("roles: each role maps to a list of people.");
        if (Managers.Any(m => string.IsNullOrWhiteSpace(m.Key) || string.IsNullOrWhiteSpace(m.Value))) errors.Add("managers: each person maps to a manager.");
        return errors;
    }
}

/// <summary>A site's rules as a stream, so who could verify or was to be told on a given day stays answerable.</summary>
public sealed record SiteSettings(string Site, SiteRules? Rules) : IAggregate<SiteSettings, SiteSettings.Event>
{
    /// <summary>Everything that can happen to a site's settings: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record RulesChanged(string Site, SiteRules Rules, string ChangedBy, DateTimeOffset ChangedAt) : Event;
    }

    public static string StreamType => "site-settings";

    public static SiteSettings Initial { get; } = new("", null);

    public static string StreamId(string site) => $"site-settings-{site}";

    public SiteSettings Apply(Event @event) => @event switch
    {
        Event.RulesChanged e => new SiteSettings(e.Site, e.Rules),
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a site settings event."), // unreachable: the hierarchy is closed
    };

    /// <summary>The same rules again are not a change: a retried PUT adds nothing.</summary>
    public static IReadOnlyList<Event> Change(SiteSettings state, string site, SiteRules rules, string by, DateTimeOffset now) =>
        state.Rules is { } current && Store.Types.EventJson.Same(current, rules) ? [] : [new Event.RulesChanged(site, rules, by, now)];
}
