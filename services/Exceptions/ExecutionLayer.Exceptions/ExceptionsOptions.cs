namespace ExecutionLayer.Exceptions;

/// <summary>The "Exceptions" configuration section.</summary>
public sealed record ExceptionsOptions
{
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>Largest intake body accepted before parsing (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    public IReadOnlyList<string> Sites { get; init; } = ["OH-DAYTON", "TN-SMYRNA", "MI-FLINT"];
}
