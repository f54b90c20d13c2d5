namespace ExecutionLayer.Actions;

/// <summary>The "Actions" configuration section.</summary>
public sealed record ActionsOptions
{
    /// <summary>Sites an action, a KPI, a review or a site's settings may name.</summary>
    public IReadOnlyList<string> Sites { get; init; } = ["OH-DAYTON", "TN-SMYRNA", "MI-FLINT"];

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 128 * 1024;
}
