namespace ExecutionLayer.Contracts.Actions;

/// <summary>Where an action came from: a meeting, an exception case, an approval, a person, or an accepted recommendation.</summary>
public enum ActionSourceKind { Meeting, Exception, Approval, Manual, Recommendation }

/// <summary>
/// An action item exists. <see cref="SourceReference"/> is what the source asked with (an exception's
/// action request id, an approval id), so the source can link the action back.
/// </summary>
public sealed record ActionItemCreated(
    Guid ActionId, string Site, ActionSourceKind SourceKind, string SourceReference, string? CorrelationId, string Title, string Owner,
    DateTimeOffset Due, DateTimeOffset CreatedAt);

/// <summary>The owner started work on the action (the first time, or again after it was blocked); exception response time is measured to it.</summary>
public sealed record ActionItemStarted(
    Guid ActionId, string Site, ActionSourceKind SourceKind, string SourceReference, string? CorrelationId, string StartedBy, DateTimeOffset StartedAt);

/// <summary>Someone other than the owner, holding the verifier role, confirmed the closure with its evidence.</summary>
public sealed record ActionItemVerified(
    Guid ActionId, string Site, ActionSourceKind SourceKind, string SourceReference, string? CorrelationId, string VerifiedBy, DateTimeOffset VerifiedAt);

public sealed record ActionItemCancelled(
    Guid ActionId, string Site, ActionSourceKind SourceKind, string SourceReference, string? CorrelationId, string Reason, DateTimeOffset CancelledAt);

/// <summary>An open action passed its due date (plus the rung's delay): the site's overdue ladder tells <see cref="Notify"/> (owner, manager, site leader).</summary>
public sealed record ActionItemOverdue(
    Guid ActionId, string Site, string? CorrelationId, int Level, string Rung, IReadOnlyList<string> Notify, DateTimeOffset Due, DateTimeOffset EscalatedAt);

/// <summary>
/// A verified action's verification window ended (<see cref="WindowEnd"/>): for each linked KPI, the last reading at or before the
/// verification (or the first in the window), the best reading in the window, and whether that is better. What the action came
/// from judges its own expected effect by it (a recommendation, its KPI change).
/// </summary>
public sealed record ActionClosureAssessed(
    Guid ActionId, string Site, ActionSourceKind SourceKind, string SourceReference, string? CorrelationId, IReadOnlyList<KpiMovementAssessed> Movements,
    DateTimeOffset VerifiedAt, DateTimeOffset WindowEnd, DateTimeOffset AssessedAt);

public sealed record KpiMovementAssessed(string Kpi, decimal? Baseline, decimal? Best, bool Moved);
