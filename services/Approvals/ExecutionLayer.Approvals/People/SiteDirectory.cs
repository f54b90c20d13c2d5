using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.People;

public sealed record RoleAssignment(string Role, IReadOnlyList<string> People);

/// <summary>A site's directory of role holders, as events, so "who could approve on that day" is answerable later.</summary>
public sealed record SiteDirectory(string Site, IReadOnlyList<RoleAssignment> Roles) : IAggregate<SiteDirectory, SiteDirectory.Event>
{
    /// <summary>Everything that can happen to a site's directory: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>Who holds a role at a site from now on (an empty list vacates it).</summary>
        public sealed record RoleHoldersSet(string Site, string Role, IReadOnlyList<string> People, string SetBy, DateTimeOffset SetAt) : Event;
    }

    public static string StreamType => "site-directory";

    public static SiteDirectory Initial { get; } = new("", []);

    public static string StreamId(string site) => $"directory-{site}";

    public SiteDirectory Apply(Event @event) => @event switch
    {
        Event.RoleHoldersSet e => this with { Site = e.Site, Roles = [.. Roles.Where(r => r.Role != e.Role), new RoleAssignment(e.Role, e.People)] },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a directory event."), // unreachable: the hierarchy is closed
    };

    /// <summary>Setting the same people again records nothing.</summary>
    public static IReadOnlyList<Event> SetHolders(SiteDirectory state, string site, string role, IReadOnlyList<string> people, string by, DateTimeOffset now)
    {
        var current = state.Roles.FirstOrDefault(r => r.Role == role)?.People ?? [];
        return current.SequenceEqual(people) ? [] : [new Event.RoleHoldersSet(site, role, people, by, now)];
    }
}

/// <summary>The directory as it stands, read at the edge and handed to decisions so they stay pure.</summary>
public sealed class RoleHolders(IEnumerable<(string Site, string Role, IReadOnlyList<string> People)> rows)
{
    private readonly Dictionary<(string, string), IReadOnlyList<string>> _holders = rows.ToDictionary(r => (r.Site, r.Role), r => r.People);

    public static RoleHolders Empty { get; } = new([]);

    /// <summary>The people an approver reference names for a site: a role's holders there, else its corporate holders.</summary>
    public IReadOnlyList<string> Resolve(Policies.ApproverRef approver, string site) =>
        approver.Person is { } person ? [person]
        : _holders.TryGetValue((site, approver.Role!), out var local) && local.Count > 0 ? local
        : _holders.TryGetValue((ApprovalsOptions.CorporateSite, approver.Role!), out var corporate) ? corporate
        : [];
}
