using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Exceptions.Graph;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>
/// What approvers of a recommendation see, in the shape the approvals service keeps and compares: as it was routed (the request's
/// frozen context), and as it stands when they decide (the same proposal, its subjects' impact read again).
/// </summary>
internal static class RecommendationContexts
{
    /// <summary>As routed: the proposal the routing event carries (stored before it carried the typed actions: nothing is amendable).</summary>
    public static RecommendationContext AsRouted(Recommendation.Event.RoutedForApproval e) =>
        Of(e.RecommendationId, e.Source, e.Confidence, e.ExpectedEffect, e.ProposedActions, e.Actions ?? [], e.Evidence, e.CaseId, e.Impact, e.RoutedAt);

    public static RecommendationContext Now(Recommendation.Event.Received p, Impact impact, DateTimeOffset now) =>
        Of(p.RecommendationId, p.Source, p.Confidence, p.Effect.Describe(), [.. p.Actions.Select(a => a.Title)], p.Actions, p.Evidence, p.CaseId, impact, now);

    private static RecommendationContext Of(
        Guid id, RecommendationSource source, decimal confidence, string effect, IReadOnlyList<string> actions, IReadOnlyList<ProposedAction> proposed,
        IReadOnlyList<RecommendationEvidence> evidence, Guid? caseId, Impact impact, DateTimeOffset at) => new(
        id, source.System, source.Model, source.ModelVersion, confidence, effect, actions,
        [.. evidence.Select(e => new RecommendationEvidenceItem(e.Label, e.Value, e.Url))], caseId, impact.ProductionOrders, impact.Lots, impact.Shipments,
        [.. impact.Commitments.Select(c => new CommitmentAtRisk(c.SalesOrderId, c.Customer, c.PromiseDate, c.Value, c.Currency))], impact.ValueAtRisk, at,
        [.. proposed.Select((a, i) => new AmendableAction(i, a.Slug, a.Title, a.Cost, a.Hours, a.Quantity, a.At))]);
}
