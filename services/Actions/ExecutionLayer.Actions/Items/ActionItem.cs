using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Items;

/// <summary>Open, InProgress, Blocked and CompletionClaimed are the open states; Verified and Cancelled end the lifecycle (until reopened).</summary>
public enum ActionStatus { None, Open, InProgress, Blocked, CompletionClaimed, Verified, Cancelled }

public enum Priority { P1, P2, P3, P4 }

/// <summary>The Balanced Scorecard perspective an action serves.</summary>
public enum Perspective { Financial, Customer, InternalProcess, LearningAndGrowth }

/// <summary>What a claim of completion must carry before anyone may verify it.</summary>
public enum EvidenceKind { None, Text, Document, Measurement }

/// <summary>Where an action came from; the API makes meeting and manual ones, the bus the others.</summary>
public enum SourceKind { Meeting, Exception, Approval, Manual, Recommendation }

/// <summary>What the owner shows when claiming completion: a statement, a document reference (an 8D, a work order), a measured value.</summary>
public sealed record Evidence(string? Text, string? DocumentReference, decimal? MeasuredValue)
{
    public bool Satisfies(EvidenceKind required) => required switch
    {
        EvidenceKind.Text => !string.IsNullOrWhiteSpace(Text),
        EvidenceKind.Document => !string.IsNullOrWhiteSpace(DocumentReference),
        EvidenceKind.Measurement => MeasuredValue is not null,
        _ => true,
    };
}

/// <summary>Whether one linked KPI moved in its good direction within the verification window, from its reading at closure.</summary>
public sealed record KpiMovement(string Kpi, decimal? Baseline, decimal? Best, bool Moved);

/// <summary>
/// An action item. <see cref="OriginalDue"/> never changes after creation: on-time closure is measured
/// against it, however often <see cref="Due"/> moves.
/// </summary>
public sealed partial record ActionItem(
    Guid Id, ActionStatus Status, string Title, string? Description, string Owner, DateTimeOffset OriginalDue, DateTimeOffset Due, Priority Priority,
    string Site, string? Department, SourceKind SourceKind, string SourceReference, IReadOnlyList<string> Kpis, Perspective? Perspective,
    IReadOnlyList<string> RootCauseTags, EvidenceKind RequiredEvidence, string VerifierRole, int VerificationWindowDays, string? CorrelationId,
    DateTimeOffset CreatedAt, int PercentComplete, int DueDateChanges, Evidence? Claim, string? ClaimedBy, string? BlockedReason,
    DateTimeOffset? VerifiedAt, string? VerifiedBy, int OverdueLevel, Guid? RepeatOf, Guid? IneffectiveBecauseOf, bool? MovedKpis,
    IReadOnlyList<string>? Objectives = null)
    : IAggregate<ActionItem, ActionItem.Event>
{
    public static string StreamType => "action";

    public static ActionItem Initial { get; } = new(
        Guid.Empty, ActionStatus.None, "", null, "", default, default, Priority.P3, "", null, SourceKind.Manual, "", [], null, [], EvidenceKind.None, "",
        0, null, default, 0, 0, null, null, null, null, null, 0, null, null, null);

    public static string StreamId(Guid actionId) => $"action-{actionId}";

    public bool Exists => Status != ActionStatus.None;

    public bool IsOpen => Status is ActionStatus.Open or ActionStatus.InProgress or ActionStatus.Blocked or ActionStatus.CompletionClaimed;

    public ActionItem Apply(Event @event) => @event switch
    {
        Event.Created e => this with
        {
            Id = e.ActionId, Status = ActionStatus.Open, Title = e.Title, Description = e.Description, Owner = e.Owner, OriginalDue = e.Due, Due = e.Due,
            Priority = e.Priority, Site = e.Site, Department = e.Department, SourceKind = e.SourceKind, SourceReference = e.SourceReference, Kpis = e.Kpis, Objectives = e.Objectives ?? [],
            Perspective = e.Perspective, RootCauseTags = e.RootCauseTags, RequiredEvidence = e.RequiredEvidence, VerifierRole = e.VerifierRole,
            VerificationWindowDays = e.VerificationWindowDays, CorrelationId = e.CorrelationId, CreatedAt = e.CreatedAt,
        },
        Event.RepeatFlagged e => this with { RepeatOf = e.RepeatOf },
        Event.ClosureMarkedIneffective e => this with { IneffectiveBecauseOf = e.RepeatedBy },
        Event.Assigned e => this with { Owner = e.Owner, OverdueLevel = 0 },
        Event.Started => this with { Status = ActionStatus.InProgress, BlockedReason = null },
        Event.Blocked e => this with { Status = ActionStatus.Blocked, BlockedReason = e.Reason },
        Event.ProgressNoted e => this with { PercentComplete = e.PercentComplete ?? PercentComplete },
        Event.DueDateChanged e => this with { Due = e.Due, DueDateChanges = DueDateChanges + 1, OverdueLevel = 0 },
        Event.CompletionClaimed e => this with { Status = ActionStatus.CompletionClaimed, Claim = e.Evidence, ClaimedBy = e.ClaimedBy, PercentComplete = 100 },
        Event.ClosureVerified e => this with { Status = ActionStatus.Verified, VerifiedAt = e.VerifiedAt, VerifiedBy = e.VerifiedBy },
        Event.ClaimRejected => this with { Status = ActionStatus.InProgress, Claim = null, ClaimedBy = null },
        Event.Cancelled => this with { Status = ActionStatus.Cancelled },
        Event.Reopened => this with
        {
            Status = ActionStatus.InProgress, Claim = null, ClaimedBy = null, VerifiedAt = null, VerifiedBy = null, MovedKpis = null, OverdueLevel = 0,
        },
        Event.OverdueEscalated e => this with { OverdueLevel = e.Level + 1 },
        Event.ClosureQualityAssessed e => this with { MovedKpis = e.MovedAll },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not an action event."), // unreachable: the hierarchy is closed
    };
}
