using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>A case's impact as the decision context an approver sees: one shape for the context a request is made on and the live one.</summary>
public static class CaseContext
{
    public static DecisionContext Of(string summary, Impact impact, DateTimeOffset assessedAt) => new(
        summary, impact.ProductionOrders, impact.Lots, impact.Shipments,
        [.. impact.Commitments.Select(c => new CommitmentAtRisk(c.SalesOrderId, c.Customer, c.PromiseDate, c.Value, c.Currency))],
        impact.ValueAtRisk, assessedAt);
}
