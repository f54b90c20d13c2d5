using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ExecutionLayer.Store.Decisions;

/// <summary>
/// An aggregate's state as Marten folds it, under the stream key it was folded from. Marten wants a
/// document with an identity of the stream's kind; the aggregates' own ids are domain ids (an action's
/// Guid), so the fold carries the key beside the state instead of asking every aggregate for a string Id.
/// </summary>
public sealed class Folded<T> where T : class, IAggregate<T>
{
    public string Id { get; set; } = "";

    public T State { get; set; } = T.Initial;
}

/// <summary>
/// Marten folds an aggregate's stream with the aggregate's own Evolve, from its Initial state, whenever it
/// is fetched for writing. Registered live: the events are the only truth, nothing is stored.
/// </summary>
internal sealed class LiveAggregate<T> : SingleStreamProjection<Folded<T>, string> where T : class, IAggregate<T>
{
    public override Folded<T> Evolve(Folded<T>? snapshot, string id, IEvent e) =>
        new() { Id = id, State = (snapshot?.State ?? T.Initial).Evolve(e.Data) };
}
