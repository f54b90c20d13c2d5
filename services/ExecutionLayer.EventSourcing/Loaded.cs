namespace ExecutionLayer.EventSourcing;

/// <summary>An aggregate's state folded from its stream, with the version it reflects (0 = no stream yet).</summary>
public sealed record Loaded<TState>(TState State, long Version)
{
    public bool Exists => Version > 0;
}
