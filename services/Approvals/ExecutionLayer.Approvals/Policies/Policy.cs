using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Policies;

/// <summary>A versioned approval policy.</summary>
public sealed record Policy(string Id, int Version, PolicyDefinition? Definition, bool Retired) : IAggregate<Policy, Policy.Event>
{
    /// <summary>Everything that can happen to a policy: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>A new version of the policy; requests resolved earlier keep the version they were resolved with.</summary>
        public sealed record VersionPublished(string PolicyId, int Version, PolicyDefinition Definition, string PublishedBy, DateTimeOffset PublishedAt) : Event;

        public sealed record Retired(string PolicyId, int Version, string RetiredBy, DateTimeOffset RetiredAt) : Event;
    }

    public static string StreamType => "approval-policy";

    public static Policy Initial { get; } = new("", 0, null, false);

    public static string StreamId(string policyId) => $"policy-{policyId}";

    public Policy Apply(Event @event) => @event switch
    {
        Event.VersionPublished e => this with { Id = e.PolicyId, Version = e.Version, Definition = e.Definition, Retired = false },
        Event.Retired => this with { Retired = true },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a policy event."), // unreachable: the hierarchy is closed
    };

    /// <summary>Publishing the same definition again is not a new version: a retried PUT adds nothing.</summary>
    public static IReadOnlyList<Event> Publish(Policy state, string policyId, PolicyDefinition definition, string by, DateTimeOffset now) =>
        state.Definition is { } current && !state.Retired && PolicyJson.Same(current, definition)
            ? []
            : [new Event.VersionPublished(policyId, state.Version + 1, definition, by, now)];

    public static IReadOnlyList<Event> Retire(Policy state, string by, DateTimeOffset now) =>
        state.Definition is null ? throw new InvalidStateException($"There is no policy {state.Id}.")
        : state.Retired ? []
        : [new Event.Retired(state.Id, state.Version, by, now)];
}
