namespace ExecutionLayer.Actions;

/// <summary>The "Actions" configuration section.</summary>
public sealed record ActionsOptions
{
    /// <summary>Largest request body accepted (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 128 * 1024;
}
