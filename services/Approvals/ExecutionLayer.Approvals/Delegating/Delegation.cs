using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Delegating;

/// <summary>A person's standing permission for another to decide in their place, for a time and a scope.</summary>
public sealed record ActiveDelegation(Guid DelegationId, string From, string To, IReadOnlyList<string> SubjectTypes, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil)
{
    public bool Covers(string subjectType, DateTimeOffset at) =>
        ValidFrom <= at && at < ValidUntil && (SubjectTypes.Count == 0 || SubjectTypes.Contains(subjectType, StringComparer.OrdinalIgnoreCase));

    public bool SameTermsAs(ActiveDelegation other) =>
        this with { SubjectTypes = [] } == other with { SubjectTypes = [] } && SubjectTypes.SequenceEqual(other.SubjectTypes);

    public bool Overlaps(ActiveDelegation other) =>
        ValidFrom < other.ValidUntil && other.ValidFrom < ValidUntil
        && (SubjectTypes.Count == 0 || other.SubjectTypes.Count == 0 || SubjectTypes.Intersect(other.SubjectTypes, StringComparer.OrdinalIgnoreCase).Any());
}

public sealed record Delegation(Guid Id, ActiveDelegation? Terms, bool Revoked) : IAggregate<Delegation, Delegation.Event>
{
    /// <summary>Everything that can happen to a delegation: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <param name="SubjectTypes">The subject types it covers; empty covers all.</param>
        public sealed record Granted(
            Guid DelegationId, string From, string To, IReadOnlyList<string> SubjectTypes, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
            string GrantedBy, string? Reason, DateTimeOffset GrantedAt) : Event;

        public sealed record Revoked(Guid DelegationId, string RevokedBy, DateTimeOffset RevokedAt) : Event;
    }

    public static string StreamType => "delegation";

    public static Delegation Initial { get; } = new(Guid.Empty, null, false);

    public static string StreamId(Guid delegationId) => $"delegation-{delegationId}";

    public Delegation Apply(Event @event) => @event switch
    {
        Event.Granted e => this with { Id = e.DelegationId, Terms = new ActiveDelegation(e.DelegationId, e.From, e.To, e.SubjectTypes, e.ValidFrom, e.ValidUntil) },
        Event.Revoked => this with { Revoked = true },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a delegation event."), // unreachable: the hierarchy is closed
    };

    /// <summary>
    /// Nobody delegates to themselves, and no chain of delegations that could be in force together may
    /// lead back to where it started: a loop would let a decision come back round to its own seat.
    /// </summary>
    /// <param name="others">Every delegation not revoked; only those overlapping this one in time and scope count.</param>
    public static IReadOnlyList<Event> Grant(Delegation state, ActiveDelegation grant, IReadOnlyList<ActiveDelegation> others, string by, string? reason, DateTimeOffset now)
    {
        if (state.Terms is not null) return state.Terms.SameTermsAs(grant) ? [] : throw new InvalidStateException($"Delegation {grant.DelegationId} already exists with other terms.");
        if (string.Equals(grant.From, grant.To, StringComparison.OrdinalIgnoreCase))
            throw new RuleViolationException("self-delegation", "A person cannot delegate to themselves.");
        if (LeadsBack(grant, others.Where(o => o.Overlaps(grant)).ToList()) is { } loop)
            throw new RuleViolationException("delegation-loop", $"This delegation would close a loop: {string.Join(" → ", loop)}.");
        return [new Event.Granted(grant.DelegationId, grant.From, grant.To, grant.SubjectTypes, grant.ValidFrom, grant.ValidUntil, by, reason, now)];
    }

    public static IReadOnlyList<Event> Revoke(Delegation state, string by, DateTimeOffset now) =>
        state.Terms is null ? throw new InvalidStateException($"There is no delegation {state.Id}.")
        : state.Revoked ? []
        : [new Event.Revoked(state.Id, by, now)];

    /// <returns>The loop (from → … → from) the new edge would close, or null.</returns>
    private static List<string>? LeadsBack(ActiveDelegation grant, List<ActiveDelegation> edges)
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        var paths = new Queue<List<string>>([[grant.From, grant.To]]);
        var seen = new HashSet<string>(comparer) { grant.To };
        while (paths.TryDequeue(out var path))
        {
            foreach (var edge in edges.Where(e => comparer.Equals(e.From, path[^1])))
            {
                if (comparer.Equals(edge.To, grant.From)) return [.. path, edge.To];
                if (seen.Add(edge.To)) paths.Enqueue([.. path, edge.To]);
            }
        }
        return null;
    }
}
