namespace ExecutionLayer.Store.Decisions;

/// <summary>A command that is well-formed but breaks a business rule (segregation of duties, missing evidence). Maps to 422.</summary>
public sealed class RuleViolationException(string rule, string message) : Exception(message)
{
    public string Rule { get; } = rule;
}

/// <summary>
/// A command that does not fit the aggregate's current state (deciding a closed request). Maps to 409. <see cref="Rule"/> names the
/// state a client can act on (a decision on a context that changed: confirm on the new one), and <see cref="Facts"/> gives it what
/// it needs to, as problem members.
/// </summary>
public sealed class InvalidStateException(string message, string? rule = null, IReadOnlyDictionary<string, object?>? facts = null) : Exception(message)
{
    public string? Rule { get; } = rule;

    public IReadOnlyDictionary<string, object?> Facts { get; } = facts ?? new Dictionary<string, object?>();
}

/// <summary>A command for something that does not exist (an action id nobody created). Maps to 404.</summary>
public sealed class NotFoundException(string message) : Exception(message);
