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

/// <summary>
/// An aggregate whose events are one closed hierarchy (an abstract record with a private constructor and
/// its cases nested in it): Apply takes only those, and decisions return them typed. (Apply, not an Evolve
/// overload: JasperFx's source generator writes an evolver for every aggregate's Evolve and hands it object.)
/// </summary>
public interface IAggregate<TSelf, TEvent> : IAggregate<TSelf> where TSelf : class, IAggregate<TSelf, TEvent> where TEvent : class
{
    TSelf Apply(TEvent @event);

    // Marten hands a stream's events over as objects; one of another hierarchy is never in this aggregate's stream.
    TSelf IAggregate<TSelf>.Evolve(object @event) => @event is TEvent typed ? Apply(typed) : (TSelf)this;
}
