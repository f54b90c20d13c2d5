namespace ExecutionLayer.Exceptions.Graph;

/// <summary>A customer commitment a deviation puts at risk.</summary>
public sealed record AffectedCommitment(string SalesOrderId, string Customer, DateTimeOffset PromiseDate, decimal Value, string Currency);

/// <summary>What a deviation touches: orders, lots (through genealogy), shipments and customer commitments.</summary>
public sealed record Impact(
    IReadOnlyList<string> ProductionOrders,
    IReadOnlyList<string> Lots,
    IReadOnlyList<string> Shipments,
    IReadOnlyList<AffectedCommitment> Commitments)
{
    public static Impact None { get; } = new([], [], [], []);

    public decimal ValueAtRisk => Commitments.Sum(c => c.Value);

    /// <summary>What either touches, each list in order and without repeats (a commitment once per sales order).</summary>
    public Impact Union(Impact other) => new(
        [.. ProductionOrders.Union(other.ProductionOrders).Order(StringComparer.Ordinal)], [.. Lots.Union(other.Lots).Order(StringComparer.Ordinal)],
        [.. Shipments.Union(other.Shipments).Order(StringComparer.Ordinal)],
        [.. Commitments.Concat(other.Commitments).DistinctBy(c => c.SalesOrderId).OrderBy(c => c.SalesOrderId, StringComparer.Ordinal)]);

    public bool IsSameAs(Impact other) =>
        ProductionOrders.SequenceEqual(other.ProductionOrders) && Lots.SequenceEqual(other.Lots)
        && Shipments.SequenceEqual(other.Shipments) && Commitments.SequenceEqual(other.Commitments);

    /// <summary>What a re-assessment added and removed, so the case history says how the picture changed.</summary>
    public ImpactChange ChangeFrom(Impact before) => new(
        Added: [.. ProductionOrders.Except(before.ProductionOrders), .. Lots.Except(before.Lots), .. Shipments.Except(before.Shipments)],
        Removed: [.. before.ProductionOrders.Except(ProductionOrders), .. before.Lots.Except(Lots), .. before.Shipments.Except(Shipments)],
        ValueAtRiskBefore: before.ValueAtRisk,
        ValueAtRiskAfter: ValueAtRisk);
}

public sealed record ImpactChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, decimal ValueAtRiskBefore, decimal ValueAtRiskAfter);
