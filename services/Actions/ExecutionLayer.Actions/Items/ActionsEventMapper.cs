using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Metadata;
using JasperFx.Events;
using Contract = ExecutionLayer.Contracts.Actions;

namespace ExecutionLayer.Actions.Items;

/// <summary>
/// What the actions service promises others: an action exists, was started, was verified, was cancelled, is
/// overdue (for the notification bridges), or was judged by its KPIs at the end of its verification window. The source and its reference travel with each, so an
/// exception case can find the response it asked for.
/// </summary>
internal sealed class ActionsEventMapper : IEventMapper
{
    public IEnumerable<object> Map(IEvent stored)
    {
        var correlation = stored.CorrelationId;
        var site = Provenance.Of(stored).Site ?? "";
        object? message = stored.Data switch
        {
            ActionItem.Event.Created e => new Contract.ActionItemCreated(e.ActionId, e.Site, Kind(e.SourceKind), e.SourceReference, correlation, e.Title, e.Owner, e.Due, e.CreatedAt),
            ActionItem.Event.Started { SourceReference: not null } e =>
                new Contract.ActionItemStarted(e.ActionId, site, Kind(e.SourceKind), e.SourceReference, correlation, e.StartedBy, e.StartedAt),
            ActionItem.Event.ClosureVerified e => new Contract.ActionItemVerified(e.ActionId, site, Kind(e.SourceKind), e.SourceReference, correlation, e.VerifiedBy, e.VerifiedAt),
            ActionItem.Event.Cancelled e => new Contract.ActionItemCancelled(e.ActionId, site, Kind(e.SourceKind), e.SourceReference, correlation, e.Reason, e.CancelledAt),
            ActionItem.Event.OverdueEscalated e => new Contract.ActionItemOverdue(e.ActionId, site, correlation, e.Level, e.Rung, e.Notify, e.Due, e.EscalatedAt),
            ActionItem.Event.ClosureQualityAssessed { SourceKind: { } kind, SourceReference: { } reference, VerifiedAt: { } verifiedAt } e =>
                new Contract.ActionClosureAssessed(e.ActionId, site, Kind(kind), reference, correlation,
                    [.. e.Movements.Select(m => new Contract.KpiMovementAssessed(m.Kpi, m.Baseline, m.Best, m.Moved))], verifiedAt, e.WindowEnd, e.AssessedAt),
            _ => null,
        };
        if (message is not null) yield return message;
    }

    private static Contract.ActionSourceKind Kind(SourceKind kind) => Enum.Parse<Contract.ActionSourceKind>(kind.ToString());
}
