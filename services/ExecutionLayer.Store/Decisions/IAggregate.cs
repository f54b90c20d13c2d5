namespace ExecutionLayer.Store.Decisions;

/// <summary>
/// An aggregate's state: an immutable record with an initial value and a pure Evolve. Decisions are
/// separate static functions (State, Command) → events; the store folds Evolve to load.
/// </summary>
public interface IAggregate<TSelf> where TSelf : IAggregate<TSelf>
{
    /// <summary>The stream type stored with every event of this aggregate (e.g. "approval").</summary>
    static abstract string StreamType { get; }

    static abstract TSelf Initial { get; }

    TSelf Evolve(object @event);
}
