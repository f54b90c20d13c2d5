namespace ExecutionLayer.PlantData;

/// <summary>
/// How big a generated plant network is. Each sales order is made by a two-step routing (a blank
/// machined from raw bar stock, then assembled), so production orders are twice the sales orders;
/// most orders are history (completed), as in a real ERP, and only <see cref="OpenShare"/> are live.
/// </summary>
public sealed record PlantScale(
    int SalesOrdersPerSite, int WorkCentersPerSite, int LotsPerOrder, int RawLotsPerSite, double OpenShare, IReadOnlyList<string> Sites)
{
    public static readonly string[] ThreeSites = ["OH-DAYTON", "TN-SMYRNA", "MI-FLINT"];

    /// <summary>Small enough to post through the intake in a test: ~240 production orders, ~1.3k lots.</summary>
    public static PlantScale Test { get; } = new(40, 6, 4, 20, 0.5, ThreeSites);

    /// <summary>The plant scale: 200k production orders and ~1M lots over three sites.</summary>
    public static PlantScale Plant { get; } = new(33_334, 60, 4, 66_667, 0.05, ThreeSites);

    public int ProductionOrders => SalesOrdersPerSite * 2 * Sites.Count;
}
