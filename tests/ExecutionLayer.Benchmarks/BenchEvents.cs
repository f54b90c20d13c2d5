namespace ExecutionLayer.Benchmarks;

/// <summary>A payload of realistic size (~300 bytes of JSON), like an MES machine-state event.</summary>
public sealed record MachineStateChanged(string WorkCenter, string Site, string State, string ReasonCode, string Reason, int Sequence, DateTimeOffset ChangedAt);

internal static class BenchEvents
{
    public static MachineStateChanged Sample(int i) =>
        new($"CNC-{i % 40}", "OH-DAYTON", i % 3 == 0 ? "down" : "running", "SP-101", "Spindle fault reported by the controller; maintenance notified", i, DateTimeOffset.UnixEpoch.AddSeconds(i));
}
