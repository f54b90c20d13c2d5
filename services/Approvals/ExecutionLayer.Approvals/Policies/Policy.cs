using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Approvals.Policies;

public abstract record PolicyEvent;

/// <summary>A new version of the policy; requests resolved earlier keep the version they were resolved with.</summary>
public sealed record PolicyVersionPublished(string PolicyId, int Version, PolicyDefinition Definition, string PublishedBy, DateTimeOffset PublishedAt) : PolicyEvent;

public sealed record PolicyRetired(string PolicyId, int Version, string RetiredBy, DateTimeOffset RetiredAt) : PolicyEvent;

/// <summary>A versioned approval policy.</summary>
public sealed record Policy(string Id, int Version, PolicyDefinition? Definition, bool Retired) : IAggregate<Policy>
{
    public static string StreamType => "approval-policy";

    public static Policy Initial { get; } = new("", 0, null, false);

    public static string StreamId(string policyId) => $"policy-{policyId}";

    public Policy Evolve(object @event) => @event switch
    {
        PolicyVersionPublished e => this with { Id = e.PolicyId, Version = e.Version, Definition = e.Definition, Retired = false },
        PolicyRetired => this with { Retired = true },
        _ => this,
    };

    /// <summary>Publishing the same definition again is not a new version: a retried PUT adds nothing.</summary>
    public static IReadOnlyList<object> Publish(Policy state, string policyId, PolicyDefinition definition, string by, DateTimeOffset now) =>
        state.Definition is { } current && !state.Retired && PolicyJson.Same(current, definition)
            ? []
            : [new PolicyVersionPublished(policyId, state.Version + 1, definition, by, now)];

    public static IReadOnlyList<object> Retire(Policy state, string by, DateTimeOffset now) =>
        state.Definition is null ? throw new InvalidStateException($"There is no policy {state.Id}.")
        : state.Retired ? []
        : [new PolicyRetired(state.Id, state.Version, by, now)];
}
