using ExecutionLayer.Actions.Items;

namespace ExecutionLayer.Actions.Tests;

/// <summary>Given these events, the action's state; decisions are then plain function calls on it.</summary>
public static class Given
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    public static readonly Guid ActionId = Guid.Parse("0b0e0000-0000-4000-8000-00000000a001");

    public const string Owner = "maint.lead";
    public const string QualityLead = "quality.lead";

    public static CreateAction Create(EvidenceKind evidence = EvidenceKind.Document, IReadOnlyList<string>? kpis = null) => new(
        ActionId, "Replace CNC-4 spindle bearing", "Spindle fault on CNC-4", Owner, Monday.AddDays(4), Priority.P2, "OH-DAYTON", "maintenance",
        SourceKind.Exception, "req-1", kpis ?? ["scrap-rate"], Perspective.InternalProcess, ["spindle-bearing"], evidence, "quality-lead", 14, "case-1", "planner");

    public static ActionItem Action(params ActionItem.Event[] events) => events.Aggregate(ActionItem.Initial, (s, e) => s.Apply(e));

    public static ActionItem After(this ActionItem state, IEnumerable<ActionItem.Event> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    /// <summary>An action created Monday 09:00, due Friday, requiring a document as evidence.</summary>
    public static ActionItem Created(EvidenceKind evidence = EvidenceKind.Document) =>
        ActionItem.Initial.After(ActionDecisions.Create(ActionItem.Initial, Create(evidence), null, Monday));

    public static ActionItem Claimed(Evidence evidence, EvidenceKind required = EvidenceKind.Document) =>
        Created(required).After(ActionDecisions.ClaimCompletion(Created(required), evidence, Owner, Monday.AddDays(2)));

    public static ActionItem Verified() =>
        Claimed(new Evidence(null, "WO-5521", null)).After([new ActionItem.Event.ClosureVerified(ActionId, SourceKind.Exception, "req-1", QualityLead, Monday.AddDays(3))]);

    public static T Single<T>(this IReadOnlyList<ActionItem.Event> events) => Assert.Single(events.OfType<T>());
}
