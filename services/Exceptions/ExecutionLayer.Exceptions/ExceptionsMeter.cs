using System.Diagnostics.Metrics;

namespace ExecutionLayer.Exceptions;

/// <summary>The exceptions service's own measurements, exported with the others ("ExecutionLayer.*").</summary>
public static class ExceptionsMeter
{
    public const string Name = "ExecutionLayer.Exceptions";

    private static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> HoldPropagation = Meter.CreateHistogram<double>(
        "el.exceptions.hold_propagation", "ms", "From a quality hold's intake to every descendant order and shipment blocked");

    /// <summary>With <see cref="GraphFacts"/>, how fast the graph takes facts: the time a run of facts holds the graph's turn.</summary>
    public static readonly Histogram<double> GraphRun = Meter.CreateHistogram<double>(
        "el.exceptions.graph_run", "ms", "A run of facts taken into the graph and detected on (the statements, the rules, the re-assessments)");

    /// <summary>How many posts each intake transaction took together (1 unless posts queued for the graph's turn).</summary>
    public static readonly Histogram<int> IntakeGroup = Meter.CreateHistogram<int>(
        "el.exceptions.intake_group", "{post}", "Posts taken together in one intake transaction");

    public static readonly Counter<long> GraphFacts = Meter.CreateCounter<long>("el.exceptions.graph_facts", "{fact}", "Facts taken into the graph");
}
