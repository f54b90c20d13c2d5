namespace ExecutionLayer.Harness;

/// <summary>How the system under test is run.</summary>
/// <param name="Instances">Processes per service, all behind the gateway's one cluster per service.</param>
/// <param name="ShiftableClock">Development clocks the caller can move forward (the plant day needs them; a load run does not).</param>
/// <param name="Gateway">Extra gateway configuration (environment form), e.g. a shorter route timeout for a test that waits for one.</param>
public sealed record SystemShape(int Instances = 1, bool ShiftableClock = true, IReadOnlyDictionary<string, string>? Gateway = null)
{
    public static readonly string[] ServiceNames = ["audit", "exceptions", "approvals", "actions"];
}
