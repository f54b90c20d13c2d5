namespace ExecutionLayer.EventSourcing;

/// <summary>What a writer believes about the stream: it does not exist yet, any state, or exactly version N.</summary>
public readonly record struct ExpectedVersion
{
    /// <summary>Versions beyond 2^53 − 1 cannot round-trip through JSON or an If-Match header exactly, so they are refused.</summary>
    public const long MaxVersion = (1L << 53) - 1;

    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 = any, 0 = no stream, N ≥ 1 = exactly N.</summary>
    public long Value { get; }

    public static ExpectedVersion Any { get; } = new(-1);
    public static ExpectedVersion NoStream { get; } = new(0);

    public static ExpectedVersion Exactly(long version)
    {
        if (version is < 0 or > MaxVersion)
            throw new InvalidExpectedVersionException(version);
        return new ExpectedVersion(version);
    }

    public bool IsAny => Value == -1;
    public bool IsNoStream => Value == 0;

    public override string ToString() => Value switch { -1 => "any", 0 => "no stream", _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
