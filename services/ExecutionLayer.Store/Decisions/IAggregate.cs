namespace ExecutionLayer.Store.Decisions;

/// <summary>
/// An aggregate's state as the store folds it: an immutable record with an initial value, evolved by
/// each stored event. Marten hands a stream's events over as objects, so this is what loading and
/// Marten's live aggregation call; aggregates implement <see cref="IAggregate{TSelf, TEvent}"/>, whose
/// Apply takes only their own events, and get this Evolve from it.
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
