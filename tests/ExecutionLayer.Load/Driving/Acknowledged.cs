using System.Collections.Concurrent;

namespace ExecutionLayer.Load.Driving;

/// <summary>What the system told the load's clients it had taken: the truth the reconciliation holds every store to.</summary>
public sealed class Acknowledged
{
    /// <summary>Intake events answered accepted or duplicate, as (source, id).</summary>
    public ConcurrentBag<(string Source, string Id)> IntakeEvents { get; } = [];

    public ConcurrentBag<Guid> ApprovalsRequested { get; } = [];

    /// <summary>Approvals decided through a signed link, with the verdict clicked.</summary>
    public ConcurrentDictionary<Guid, string> Decisions { get; } = new();

    public ConcurrentBag<Guid> ActionsCreated { get; } = [];

    public ConcurrentBag<Guid> ActionsVerified { get; } = [];

    /// <summary>Machines reported down, each of which must open exactly one case.</summary>
    public ConcurrentBag<string> Breakdowns { get; } = [];
}
