using System.Globalization;
using ExecutionLayer.Load.Driving;
using ExecutionLayer.Load.Reconciliation;

namespace ExecutionLayer.Load;

/// <summary>The run's figures as Markdown tables, ready for docs/reliability.md.</summary>
public static class LoadReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(TextWriter output, LoadPlan plan, LoadOutcome outcome, LoadRun run, IReadOnlyDictionary<string, long> memory,
        ReconciliationReport report, Saturation.Figures saturation)
    {
        void Line(FormattableString text) => output.WriteLine(text.ToString(Invariant));

        Line($"""

            ## Load: {outcome.Operations} operations in {outcome.Elapsed.TotalSeconds:F1} s = {outcome.Throughput:F1} ops/s (target {plan.Rate:F0}), {Environment.ProcessorCount} cores
            {run.Acknowledged.IntakeEvents.Distinct().Count()} intake events acknowledged, {run.Acknowledged.ApprovalsRequested.Count} approvals asked, {run.Acknowledged.Decisions.Count} decided by link, {run.Acknowledged.ActionsVerified.Count} of {run.Acknowledged.ActionsCreated.Count} actions verified, {run.Acknowledged.Breakdowns.Count} breakdowns; {run.Latencies.TotalRetries} retried request(s), {run.Latencies.TotalAbandoned} given up, {outcome.Failures.Count} unexpected answer(s)

            | operation | n | p50 ms | p95 ms | p99 ms | max ms | retried | given up |
            |---|---:|---:|---:|---:|---:|---:|---:|
            """);
        foreach (var f in run.Latencies.Figures())
            Line($"| {f.Operation} | {f.Count} | {f.P50:F1} | {f.P95:F1} | {f.P99:F1} | {f.Max:F0} | {f.Retries} | {f.Abandoned} |");

        Line($"""

            | process | peak resident memory |
            |---|---:|
            """);
        foreach (var (name, bytes) in memory.OrderBy(m => m.Key, StringComparer.Ordinal))
            Line($"| {name} | {bytes / 1024.0 / 1024.0:F0} MiB |");

        Line($"""

            ## Reconciliation ({(report.Holds ? "holds" : "FAILS")}; settled {report.Settled.TotalSeconds:F1} s after the load)

            | check | expected | found | missing | duplicated |
            |---|---:|---:|---:|---:|
            """);
        foreach (var c in report.Checks)
            Line($"| {c.Name} | {c.Expected} | {c.Found} | {c.Missing} | {c.Duplicated} |");
        Line($"| audit ledger chain verifies | yes | {(report.LedgerVerifies ? "yes" : "NO")} | | |");
        Line($"| audit completeness without a gap | yes | {(report.LedgerComplete ? "yes" : "NO")} | | |");
        Line($"""

            {report.Notes}

            ## Ceilings in the same run ({Environment.ProcessorCount} cores, 8 closed-loop clients, 10 s each; then the ceiling again with holds beside it, then half its rate for 10 s)

            | path | events/s | vs raw store |
            |---|---:|---:|
            | intake through the gateway (acknowledged) | {saturation.GatewayEventsPerSecond:N0} | {saturation.GatewayEventsPerSecond / saturation.RawStoreEventsPerSecond:F2} |
            | … and recorded in the audit ledger | {saturation.LedgerEventsPerSecond:N0} | {saturation.LedgerEventsPerSecond / saturation.RawStoreEventsPerSecond:F2} |
            | event store appends alone (same batches, no HTTP/bus) | {saturation.RawStoreEventsPerSecond:N0} | 1.00 |
            """);
        Line($"""

            | beside the ceiling | n | p50 ms | p95 ms | p99 ms | max ms |
            |---|---:|---:|---:|---:|---:|
            """);
        foreach (var f in saturation.Latencies.Figures())
            Line($"| {f.Operation} | {f.Count} | {f.P50:F1} | {f.P95:F1} | {f.P99:F1} | {f.Max:F0} |");
        if (saturation.Profile is { } profile) Line($"\n## Where the time went, from the first post until the ledger held them all (--profile)\n\n{profile}\n");
        foreach (var failure in outcome.Failures.Take(5)) Line($"unexpected: {failure.Message}");
        if (!report.Holds) Line($"RECONCILIATION FAILS: {report.Failures}");
    }
}
