using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Actions.ReadingActions;

/// <summary>An action as its API shows it: its state at a version (the ETag a command's If-Match names).</summary>
public sealed record ActionView(Guid ActionId, long Version, ActionItem State)
{
    public static ActionView Of(Decided<ActionItem, ActionItem.Event> written) => new(written.State.Id, written.Version, written.State);
}

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset RecordedAt, string? Actor, object Event);

/// <summary>A row of the action index: what lists, metrics and risk read.</summary>
public sealed record ActionSummary(
    Guid ActionId, string Site, string? Department, string Owner, string Title, Priority Priority, Perspective? Perspective, IReadOnlyList<string> Kpis,
    ActionStatus Status, SourceKind SourceKind, string SourceReference, string? CorrelationId, DateTimeOffset CreatedAt, DateTimeOffset OriginalDue, DateTimeOffset Due,
    DateTimeOffset? VerifiedAt, int DueDateChanges, int PercentComplete, int OverdueLevel, Guid? RepeatOf, bool ClosureIneffective, bool? MovedKpis);
