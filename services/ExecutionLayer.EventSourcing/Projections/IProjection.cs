using Npgsql;

namespace ExecutionLayer.EventSourcing.Projections;

/// <summary>
/// A read model built from events. Registered inline, it runs in the append's transaction; registered
/// async, a <see cref="ProjectionRunner"/> feeds it batches and stores its checkpoint in the same
/// transaction as its writes. Either way it writes only through <c>tx</c>.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: the checkpoint is stored under it.</summary>
    string Name { get; }

    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct);

    /// <summary>Empties the read model before a rebuild replays the log from the start.</summary>
    Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct);
}
