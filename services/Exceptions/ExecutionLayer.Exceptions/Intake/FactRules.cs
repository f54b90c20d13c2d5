namespace ExecutionLayer.Exceptions.Intake;

/// <summary>What a schema cannot say: quantities and values are never negative, ids are never blank.</summary>
public static class FactRules
{
    public static string? Violation(object fact) => fact switch
    {
        SalesOrderConfirmed f => NonNegative(("quantity", f.Quantity), ("value", f.Value)) ?? NotBlank(("orderId", f.OrderId), ("currency", f.Currency)),
        ProductionOrderReleased f => NonNegative(("quantity", f.Quantity)) ?? NotBlank(("orderId", f.OrderId), ("workCenter", f.WorkCenter))
            ?? (f.Materials.Any(m => m.Quantity < 0) ? "Material quantities must be ≥ 0." : null) ?? Routing(f.Routing ?? []),
        MaterialRequirement f => NonNegative(("quantity", f.Quantity)),
        PurchaseOrderPlaced f => NonNegative(("quantity", f.Quantity)) ?? NotBlank(("purchaseOrderId", f.PurchaseOrderId)),
        MaterialReceived f => NonNegative(("quantity", f.Quantity)) ?? NotBlank(("lotId", f.LotId)),
        QualityHoldRaised f => NotBlank(("holdId", f.HoldId), ("lotId", f.LotId)),
        QualityHoldReleased f => NotBlank(("holdId", f.HoldId), ("lotId", f.LotId)),
        LotProduced f => NonNegative(("quantity", f.Quantity)) ?? NotBlank(("lotId", f.LotId))
            ?? (f.FromLots.Contains(f.LotId) ? "A lot cannot be produced from itself." : null),
        LotConsumed f => NonNegative(("quantity", f.Quantity)),
        ShipmentPlanned f => NotBlank(("shipmentId", f.ShipmentId)),
        ProductionActualReported f => NonNegative(("quantityGood", f.QuantityGood), ("quantityScrap", f.QuantityScrap)),
        MachineStateChanged f => NotBlank(("workCenter", f.WorkCenter)),
        OperationStarted f => Step(f.Step) ?? NotBlank(("productionOrderId", f.ProductionOrderId), ("workCenter", f.WorkCenter)),
        OperationCompleted f => Step(f.Step) ?? NotBlank(("productionOrderId", f.ProductionOrderId), ("workCenter", f.WorkCenter)),
        _ => null,
    };

    private static string? Routing(IReadOnlyList<RoutingStep> routing) =>
        routing.Select(r => Step(r.Step) ?? NotBlank(("routing.workCenter", r.WorkCenter))
                ?? (r.PlannedFinish < r.PlannedStart ? $"Step {r.Step} is planned to finish before it starts." : null)).FirstOrDefault(v => v is not null)
            ?? (routing.Select(r => r.Step).Distinct().Count() < routing.Count ? "Each routing step appears once." : null);

    private static string? Step(int step) => step < 1 ? $"Routing steps are numbered from 1 (was {step})." : null;

    private static string? NonNegative(params (string Name, decimal Value)[] values) =>
        values.FirstOrDefault(v => v.Value < 0) is { Name: not null } bad ? $"{bad.Name} must be ≥ 0 (was {bad.Value})." : null;

    private static string? NotBlank(params (string Name, string Value)[] values) =>
        values.FirstOrDefault(v => string.IsNullOrWhiteSpace(v.Value)) is { Name: not null } bad ? $"{bad.Name} must not be blank." : null;
}
